import type { Client } from '@temporalio/client';
import { TASK_QUEUES, taskWorkflowId } from '../../core/tasks/queues.js';
import type { TaskStatus, TaskWorkflowInput } from '../../core/tasks/task.js';
import { sessionWorkflowId, type SessionEntry } from '../../core/tasks/session.js';
import type { sessionWorkflow, taskWorkflow } from '../../workflows/index.js';
import { enqueueSignal } from '../../workflows/session/messages.js';
import { searchAttributesFor } from '../../workflows/task/search-attributes.js';
import { ONCE_PER_ID, startedOnce } from '../start-once.js';
import { describeTask, statusFromDescription } from './temporal.js';

export interface StartedTask {
  workflowId: string;
  runId: string;
  status: TaskStatus;
  /** False when the task id was submitted before: nothing new was started. */
  created: boolean;
}

/** Starts the task's workflow once per (tenant, task id) (see ../start-once.ts), then joins its session, if any. */
export async function startTask(temporal: Client, input: TaskWorkflowInput): Promise<StartedTask> {
  const started = await startTaskWorkflow(temporal, input);
  // Joining the session after the start: a repeat of the submission joins again (a no-op for the session), so a
  // crash between the two steps is healed by the client's retry.
  if (input.sessionId) await joinSession(temporal, input.tenant, input.sessionId, { taskId: input.taskId, workflowId: started.workflowId });
  return started;
}

/**
 * The session hands out turns in the order it receives tasks: signal-with-start makes that the order in which the API
 * accepted them, whether or not the session was running.
 */
async function joinSession(temporal: Client, tenant: string, sessionId: string, entry: SessionEntry): Promise<void> {
  await temporal.workflow.signalWithStart<typeof sessionWorkflow, [SessionEntry]>('sessionWorkflow', {
    workflowId: sessionWorkflowId(tenant, sessionId),
    taskQueue: TASK_QUEUES.workflows,
    args: [{ tenant, sessionId }],
    signal: enqueueSignal,
    signalArgs: [entry],
    staticSummary: `Session ${sessionId} (${tenant}): its tasks one after another`,
  });
}

async function startTaskWorkflow(temporal: Client, input: TaskWorkflowInput): Promise<StartedTask> {
  const workflowId = taskWorkflowId(input.tenant, input.taskId);
  let runId = '';
  const created = await startedOnce(async () => {
    const handle = await temporal.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUES.workflows,
      args: [input],
      ...ONCE_PER_ID,
      typedSearchAttributes: searchAttributesFor(input, 'RUNNING'),
      staticSummary: `${input.agentType} / ${input.taskType} · ${input.taskId}`,
      staticDetails: startDetails(input),
    });
    runId = handle.firstExecutionRunId;
  });
  if (created) return { workflowId, runId, status: 'RUNNING', created: true };
  const existing = await describeTask(temporal, input.tenant, input.taskId);
  return { workflowId, runId: existing.description.runId, status: statusFromDescription(existing.description), created: false };
}

/** What a person opening the run in the Temporal Web UI should see first (Temporal markdown). */
function startDetails(input: TaskWorkflowInput): string {
  return [
    `**Tenant** ${input.tenant} · **task** \`${input.taskId}\``,
    `**Agent** ${input.agentType} · **task type** ${input.taskType} · **priority** ${input.priority}`,
    `**Requested by** ${input.requestedBy}${input.requireApproval ? ' · approval required' : ''} · approval timeout ${Math.round(input.approvalTimeoutMs / 1000)} s`,
    ...(input.sessionId ? [`**Session** \`${input.sessionId}\`: runs after the session's earlier tasks`] : []),
  ].join('\n');
}
