import { WorkflowFailedError, type Client } from '@temporalio/client';
import { statusQuery } from '../../workflows/task/messages.js';
import type { TaskStatus } from '../../core/tasks/task.js';
import type { TaskStatusResponse } from '../schemas.js';
import { describeTask, statusFromDescription } from './temporal.js';

/** How long the status route waits for a worker to answer the live query before it answers from Temporal alone. */
const QUERY_DEADLINE_MS = 3_000;

const CLOSING: ReadonlySet<TaskStatus> = new Set(['COMPLETED', 'REJECTED', 'FAILED']);

export async function readTaskStatus(temporal: Client, tenant: string, taskId: string): Promise<TaskStatusResponse> {
  const { handle, workflowId, description } = await describeTask(temporal, tenant, taskId);
  const base = { taskId, tenant, workflowId, runStatus: description.status.name, status: statusFromDescription(description) };
  switch (description.status.name) {
    case 'RUNNING': {
      // The query needs a live worker; without one the task is still RUNNING as far as Temporal knows.
      const view = await temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(statusQuery)).catch(() => undefined);
      if (!view) return base;
      // A run that has settled its outcome but is not closed yet has no result to show: until Temporal closes it,
      // it is still running, so COMPLETED always comes with its result.
      return { ...base, status: CLOSING.has(view.status) ? base.status : view.status, view };
    }
    case 'COMPLETED': {
      const result = await handle.result();
      return { ...base, status: result.status, result };
    }
    default:
      return { ...base, error: await failureOf(() => handle.result()) };
  }
}

/** The message of the failure a closed run ended with (the workflow's ApplicationFailure, a timeout, …). */
async function failureOf(result: () => Promise<unknown>): Promise<string> {
  try {
    await result();
    return 'the task did not complete';
  } catch (error) {
    if (error instanceof WorkflowFailedError) return error.cause?.message ?? error.message;
    throw error;
  }
}
