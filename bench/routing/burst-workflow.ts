import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { ModelsActivities } from '../../activities/models/activities.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { ReasonRequest } from '../../core/tasks/steps.js';

/*
 * The burst benchmark's workflow: `count` Reason steps started at once on the `models` queue, each a distinct task
 * (so each call is recorded on its own). One attempt each: a step the pool cannot serve counts as failed instead of
 * being hidden by Temporal's retries, so the limited run and the unlimited baseline are compared on equal terms.
 */

export interface ReasonBurstInput {
  template: ReasonRequest;
  count: number;
}

export interface ReasonBurstResult {
  succeeded: number;
  failed: number;
  /** Failure messages with how often each occurred (the first 120 characters). */
  failures: Record<string, number>;
}

const { reasonPlan } = proxyActivities<ModelsActivities>({
  taskQueue: TASK_QUEUES.models,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  const text = cause instanceof ApplicationFailure ? `${cause.type ?? 'Error'}: ${cause.message}` : cause instanceof Error ? cause.message : String(cause);
  // Strip the per-request noise (ids, numbers) so equal failures group together.
  return text.replace(/\d+/g, 'N').slice(0, 120);
}

export async function reasonBurstWorkflow({ template, count }: ReasonBurstInput): Promise<ReasonBurstResult> {
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => reasonPlan({ ...template, task: { ...template.task, taskId: `${template.task.taskId}-${i}` } })),
  );
  const failures: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') {
      const message = failureMessage(outcome.reason);
      failures[message] = (failures[message] ?? 0) + 1;
    }
  }
  const failed = outcomes.filter((o) => o.status === 'rejected').length;
  return { succeeded: count - failed, failed, failures };
}
