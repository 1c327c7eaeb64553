import { z } from 'zod';
import type { ReplyRequest } from './ports.js';
import type { WorkflowOutcome } from './workflow-outcomes.js';

export type ClosedOutcome = Exclude<WorkflowOutcome, { state: 'running' }>;

export interface ReplyContent {
  subject: string;
  body: Record<string, unknown>;
}

/** The parts of a task's result a reply carries; outputs and plans stay in Temporal (GET /v1/tasks/:id shows them). */
const taskResult = z.object({
  status: z.enum(['COMPLETED', 'REJECTED']),
  attempts: z.number(),
  appliedEffects: z.array(z.string()),
  escalationReasons: z.array(z.string()),
  approval: z.object({ decision: z.string(), approverId: z.string(), comment: z.string().optional() }).optional(),
});

export function replyContent(request: ReplyRequest, outcome: ClosedOutcome): ReplyContent {
  const base = { kind: request.kind, tenant: request.tenant, workflowId: request.workflowId, correlationId: request.correlationId };
  if (outcome.state === 'failed') return { subject: `${request.kind}.failed`, body: { ...base, status: outcome.status, error: outcome.error } };
  if (request.kind === 'capability') return { subject: 'capability.completed', body: { ...base, status: 'COMPLETED', capability: outcome.result } };
  const parsed = taskResult.safeParse(outcome.result);
  if (!parsed.success) return { subject: 'task.completed', body: { ...base, status: 'COMPLETED' } };
  const result = parsed.data;
  // A rejected task ended as its approver decided; for whoever waits on the reply it did not do its work.
  return {
    subject: result.status === 'COMPLETED' ? 'task.completed' : 'task.failed',
    body: {
      ...base,
      status: result.status,
      attempts: result.attempts,
      appliedEffects: result.appliedEffects,
      escalationReasons: result.escalationReasons,
      ...(result.approval ? { approval: result.approval } : {}),
    },
  };
}
