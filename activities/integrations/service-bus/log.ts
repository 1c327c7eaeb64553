/** Where the bridge reports what it could not do by itself; never given secrets or message bodies. */
export interface IngressLog {
  warn(message: string, fields?: Record<string, string | number | boolean | null>): void;
}

export const stderrLog: IngressLog = {
  warn(message, fields) {
    process.stderr.write(`[service-bus] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  },
};

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Waits, or less if the signal aborts first (never rejects). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
