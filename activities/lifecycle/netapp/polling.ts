import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { whileHeartbeating } from '../../heartbeat.js';

/** How long-running ARM operations are waited on. */
export interface PollingOptions {
  /** Between two polls of an operation (ARM's Retry-After wins when it sends one). */
  pollIntervalMs: number;
  /** Between two heartbeats while an operation runs: well under the activity's heartbeat timeout. */
  heartbeatIntervalMs: number;
  /** Gives up waiting on a resource still provisioning after this long (a retry picks it up again). */
  maxWaitMs: number;
}

export const DEFAULT_POLLING: PollingOptions = { pollIntervalMs: 5_000, heartbeatIntervalMs: 5_000, maxWaitMs: 15 * 60_000 };

/**
 * Heartbeats while `work` runs when called from an activity, so a worker that dies in the middle of a
 * long-running operation is noticed within the heartbeat timeout and the retry (which finds the operation by the
 * resource's deterministic name) takes over. Outside an activity — a store used directly — it just runs `work`.
 */
export function heartbeatingWhile<T>(work: () => Promise<T>, { heartbeatIntervalMs }: Pick<PollingOptions, 'heartbeatIntervalMs'>): Promise<T> {
  return inActivity() ? whileHeartbeating(work, heartbeatIntervalMs) : work();
}

function inActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}

interface Provisioned {
  provisioningState?: string;
}

/**
 * Polls `read` until the resource has finished provisioning. Used when a resource with our name already exists —
 * created by an attempt that crashed before its poller finished — so there is no operation URL to follow, only
 * the resource itself.
 */
export async function untilProvisioned<T extends Provisioned>(what: string, read: () => Promise<T | undefined>, { pollIntervalMs, maxWaitMs }: PollingOptions): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const resource = await read();
    // Deleted under us (by an operator, or a revert): the retry starts over and creates it again.
    if (!resource) throw ApplicationFailure.retryable(`${what} disappeared while being provisioned`, 'NetAppResourceVanished');
    const state = resource.provisioningState?.toLowerCase();
    if (state === 'succeeded') return resource;
    if (state === 'failed' || state === 'canceled') throw ApplicationFailure.nonRetryable(`${what} ended ${resource.provisioningState}`, 'NetAppOperationFailed');
    if (Date.now() > deadline) throw ApplicationFailure.retryable(`${what} still ${resource.provisioningState ?? 'provisioning'} after ${maxWaitMs} ms`, 'NetAppStillProvisioning');
    await sleep(pollIntervalMs);
  }
}
