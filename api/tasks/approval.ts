import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { appendAudit } from '../../activities/audit/activities.js';
import type { ApprovalRecord } from '../../core/tasks/task.js';
import type { Db } from '../../infra/db/pool.js';
import { approvalWorkflowId } from '../../core/decisions/requests.js';
import { decideUpdate } from '../../workflows/approval/messages.js';
import { can, type Principal } from '../auth/roles.js';
import { badRequest, conflict, forbidden, notFound, type ApiError } from '../errors.js';
import type { ApprovalRequest } from '../schemas.js';
import { describeTask } from './temporal.js';

/**
 * A decision on a task's pending approval, through the workflow's `decide` update. Its validator refuses before
 * anything is recorded in the workflow (`not_waiting: …` → 409, `forbidden: …` → 403, e.g. self-approval, `invalid: …`
 * → 400, an option the request does not offer); the
 * update waits until the workflow accepted the decision, so the answer is the recorded decision.
 */
export async function decideApproval(deps: { temporal: Client; db: Db }, principal: Principal, taskId: string, request: ApprovalRequest): Promise<ApprovalRecord> {
  const refuse = async (error: ApiError): Promise<never> => {
    await recordRefusal(deps.db, principal, taskId, request, error);
    throw error;
  };
  if (!can(principal.role, 'approve')) return refuse(forbidden(`role ${principal.role} may not approve or reject tasks`));
  const { handle, description } = await describeTask(deps.temporal, principal.tenant, taskId);
  if (description.status.name !== 'RUNNING') return refuse(notWaiting(`the task is closed (${description.status.name})`));
  try {
    return await handle.executeUpdate(decideUpdate, { args: [{ decision: request.decision, approverId: principal.name, comment: request.comment, ...(request.option ? { option: request.option } : {}) }] });
  } catch (error) {
    // The run closed between describe and update.
    if (error instanceof WorkflowNotFoundError) return refuse(notWaiting('the task is closed'));
    const refusal = error instanceof WorkflowUpdateFailedError ? validatorRefusal(error) : undefined;
    if (refusal) return refuse(refusal);
    throw error;
  }
}

/**
 * A decision on any request in the inbox (a task's, a consensus round's, …), through the `decide` update of its
 * approvalWorkflow: the same validator, the same answers and the same audit of refusals as the task route.
 */
export async function decideRequest(deps: { temporal: Client; db: Db }, principal: Principal, approvalId: string, request: ApprovalRequest): Promise<ApprovalRecord> {
  const refuse = async (error: ApiError): Promise<never> => {
    await recordRefusal(deps.db, principal, approvalId, request, error);
    throw error;
  };
  if (!can(principal.role, 'approve')) return refuse(forbidden(`role ${principal.role} may not approve or reject requests`));
  // The workflow id carries the caller's tenant, so another tenant's request is simply not found.
  const handle = deps.temporal.workflow.getHandle(approvalWorkflowId(principal.tenant, approvalId));
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) throw notFound(`no approval request "${approvalId}"`);
    throw error;
  });
  if (description.status.name !== 'RUNNING') return refuse(notWaiting(`the request is closed (${description.status.name})`));
  try {
    return await handle.executeUpdate(decideUpdate, { args: [{ decision: request.decision, approverId: principal.name, comment: request.comment, ...(request.option ? { option: request.option } : {}) }] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return refuse(notWaiting('the request is closed'));
    const refusal = error instanceof WorkflowUpdateFailedError ? validatorRefusal(error) : undefined;
    if (refusal) return refuse(refusal);
    throw error;
  }
}

function notWaiting(message: string): ApiError {
  return conflict('not_waiting', message);
}

/** The validator's `kind: message` (core/decisions/approval.ts) as an API error; undefined for any other failure. */
function validatorRefusal(error: WorkflowUpdateFailedError): ApiError | undefined {
  const message = error.cause?.message ?? '';
  const [kind, ...rest] = message.split(': ');
  const detail = rest.join(': ') || message;
  if (kind === 'not_waiting') return notWaiting(detail);
  if (kind === 'forbidden') return forbidden(detail);
  if (kind === 'invalid') return badRequest(detail, 'option');
  return undefined;
}

/** Every refused attempt is kept in the audit trail (refusals never reach the workflow's own history). */
async function recordRefusal(db: Db, principal: Principal, taskId: string, request: ApprovalRequest, error: ApiError): Promise<void> {
  await appendAudit(db, {
    tenant: principal.tenant,
    taskId,
    kind: 'approval.refused',
    actor: principal.name,
    details: { via: 'api', decision: request.decision, option: request.option ?? null, status: error.statusCode, code: error.code, reason: error.message, keyId: principal.keyId, role: principal.role },
    // Each refusal is its own fact: a random key, never deduplicated against another attempt.
    idempotencyKey: `api:approval.refused:${randomUUID()}`,
  });
}
