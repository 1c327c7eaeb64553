import { Context } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating every `intervalMs`, so Temporal learns of a dead worker within the activity's
 * heartbeat timeout instead of its whole start-to-close timeout, however long one step of the work takes.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, intervalMs = 2000): Promise<T> {
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
