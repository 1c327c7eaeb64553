/**
 * A supervised process (a worker pool, the API) must not outlive its supervisor: if `npm start` is killed
 * outright, its children would keep polling Temporal with nobody to stop them. When the parent changes (the
 * process was re-parented to init or a subreaper), this sends the process the same SIGTERM a clean stop would.
 */
export function stopWhenParentDies(intervalMs = 2000): void {
  if (!process.env.ANTS_SUPERVISED) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  }, intervalMs);
  timer.unref();
}
