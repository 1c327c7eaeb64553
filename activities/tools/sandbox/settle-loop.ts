/**
 * Driving the entry's promise to a result. QuickJS has no event loop of its own: we
 * run its job queue, deliver host replies that have arrived, and wait (off-thread
 * from QuickJS's point of view) only while a host request is actually outstanding.
 *
 * Termination, whatever the guest does:
 *   - jobs run in batches and the deadline is checked between batches (and by the
 *     in-VM interrupt handler inside them), so an endless microtask chain is a TIMEOUT;
 *   - waiting for the host is bounded by the remaining deadline;
 *   - a promise that is still pending with no job queued and nothing outstanding on
 *     the host can never settle, and fails at once instead of waiting for the deadline.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, Scope } from 'quickjs-emscripten';
import type { CpuDeadline } from './cpu-deadline.js';
import type { HostRequestBroker } from './host-requests.js';

const JOB_BATCH = 1000;

export interface SettleEnvironment {
  context: QuickJSContext;
  runtime: QuickJSRuntime;
  scope: Scope;
  broker: HostRequestBroker;
  deadline: CpuDeadline;
  traffic: { copiedIntoGuest: boolean };
  /** Turns a thrown guest value into the call's failure (classification included). */
  failWith(thrown: QuickJSHandle): Error;
  timedOut(): Error;
  neverSettled(): Error;
}

/** The fulfilled value (owned by env.scope); throws env's failure otherwise. */
export async function settle(env: SettleEnvironment, promise: QuickJSHandle): Promise<QuickJSHandle> {
  const { context, runtime, scope, broker, deadline } = env;
  for (;;) {
    deliverArrived(env);
    runJobs(env);
    const state = context.getPromiseState(promise);
    if (state.type === 'fulfilled') return state.notAPromise === true ? promise : scope.manage(state.value);
    if (state.type === 'rejected') throw env.failWith(scope.manage(state.error));
    if (runtime.hasPendingJob() || broker.hasArrived) continue;
    if (broker.outstandingCount === 0) throw env.neverSettled();
    if (deadline.shouldInterrupt()) throw env.timedOut();
    await broker.waitForArrival(deadline.remainingMs);
    if (!broker.hasArrived && deadline.shouldInterrupt()) throw env.timedOut();
  }
}

function runJobs(env: SettleEnvironment): void {
  const { runtime, scope, deadline } = env;
  while (runtime.hasPendingJob()) {
    const result = runtime.executePendingJobs(JOB_BATCH);
    if (result.error !== undefined) throw env.failWith(scope.manage(result.error));
    if (deadline.shouldInterrupt()) throw env.timedOut();
  }
}

/** Each reply is one JSON string; the guest's http client parses it (http-capability.ts). */
function deliverArrived(env: SettleEnvironment): void {
  const { context, broker, deadline } = env;
  for (const { deferred, reply } of broker.takeArrived()) {
    if (deadline.shouldInterrupt()) throw env.timedOut();
    env.traffic.copiedIntoGuest = true;
    const text = context.newString(JSON.stringify(reply));
    try {
      deferred.resolve(text);
    } catch (error) {
      if (deadline.hasTripped) throw env.timedOut();
      throw error;
    } finally {
      text.dispose();
      deferred.dispose();
    }
  }
}
