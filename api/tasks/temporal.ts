import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { taskWorkflowId } from '../../core/tasks/queues.js';
import type { TaskStatus } from '../../core/tasks/task.js';
import type { taskWorkflow } from '../../workflows/index.js';
import { AntsStatus } from '../../workflows/task/search-attributes.js';
import { notFound } from '../errors.js';

export type TaskHandle = WorkflowHandle<typeof taskWorkflow>;

export interface DescribedTask {
  handle: TaskHandle;
  workflowId: string;
  description: WorkflowExecutionDescription;
}

/**
 * The task's workflow, looked up by the caller's own tenant: a task of another tenant has another workflow id, so it
 * is simply not found and its existence never leaks.
 */
export async function describeTask(temporal: Client, tenant: string, taskId: string): Promise<DescribedTask> {
  const workflowId = taskWorkflowId(tenant, taskId);
  const handle = temporal.workflow.getHandle<typeof taskWorkflow>(workflowId);
  try {
    return { handle, workflowId, description: await handle.describe() };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw notFound(`no task "${taskId}"`);
    throw error;
  }
}

/**
 * Our status from what Temporal knows without asking a worker: the `AntsStatus` search attribute the workflow keeps
 * current, corrected by the run's own state (a terminated or timed-out run never got to publish FAILED).
 */
export function statusFromDescription(description: WorkflowExecutionDescription): TaskStatus {
  const value = description.typedSearchAttributes.get(AntsStatus);
  const published = isTaskStatus(value) ? value : undefined;
  switch (description.status.name) {
    case 'RUNNING':
      return published === 'AWAITING_APPROVAL' ? published : 'RUNNING';
    case 'COMPLETED':
      return published === 'REJECTED' ? 'REJECTED' : 'COMPLETED';
    default:
      return 'FAILED';
  }
}

const TASK_STATUSES: readonly string[] = ['RUNNING', 'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED', 'FAILED'] satisfies TaskStatus[];

function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && TASK_STATUSES.includes(value);
}
