import { z } from 'zod';
import { taskSubmission, identifier } from '../../../core/tasks/submission.js';
import { capabilityRequestSchema } from '../../../core/tools/capability.js';
import { describeIssues } from '../../../core/validation.js';
import { describeError } from './log.js';
import type { Disposition, InboundMessage, InboxHandler, IngressAnswer, IngressTargets, ReplyOutbox } from './ports.js';
import { PROPERTIES, SERVICE_BUS_QUEUES } from './queues.js';

/**
 * Turns a queue message into the API's own start: `ants-tasks` into POST /v1/tasks, `ants-integrations` into
 * POST /v1/capabilities, as the tenant named by the message. The message id is the task id (its idempotency key),
 * so a repeated message starts nothing new; the session id is the task's session, so a session's tasks run in order.
 */
export interface IngressHandlerDeps {
  targets: IngressTargets;
  replies: ReplyOutbox;
  queues?: { tasks: string; integrations: string };
}

type Refusal = Extract<Disposition, { kind: 'reject' }>;
type Prepared = { ok: true; tenant: string; body: Record<string, unknown> } | { ok: false; refusal: Refusal };

/** A number, or its digits as text (producers differ); never a boolean or a date coerced into one. */
const priorityProperty = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().min(1).max(5));

export function createIngressHandler(deps: IngressHandlerDeps): InboxHandler {
  const queues = deps.queues ?? { tasks: SERVICE_BUS_QUEUES.tasks, integrations: SERVICE_BUS_QUEUES.integrations };
  return async (message) => {
    const kind = message.queue === queues.integrations ? 'capability' : 'task';
    const prepared = kind === 'task' ? prepareTask(message) : prepareCapability(message);
    if (!prepared.ok) return prepared.refusal;
    const call = { tenant: prepared.tenant, requestedBy: `service-bus:${message.queue}`, body: prepared.body };
    let answer: IngressAnswer;
    try {
      answer = kind === 'task' ? await deps.targets.submitTask(call) : await deps.targets.requestCapability(call);
    } catch (error) {
      return { kind: 'retry', reason: `could not start: ${describeError(error)}` };
    }
    if (!answer.accepted) return reject('InvalidSubmission', `${answer.status} ${answer.code}: ${answer.message}`);
    try {
      // Before the message is completed: a crash in between redelivers it, which starts nothing new and asks again.
      await deps.replies.watch({ workflowId: answer.workflowId, correlationId: message.idempotencyKey, kind, tenant: prepared.tenant });
    } catch (error) {
      return { kind: 'retry', reason: `could not arrange the reply: ${describeError(error)}` };
    }
    return { kind: 'complete' };
  };
}

function prepareTask(message: InboundMessage): Prepared {
  const common = prepareCommon(message);
  if (!common.ok) return common;
  const { tenant, body } = common;
  const taskId = message.idempotencyKey;
  if (!identifier.safeParse(taskId).success) return refuse('InvalidMessageId', `the message id "${taskId}" cannot be a task id: letters, digits, dot, underscore or dash`);
  if (body.taskId !== undefined && body.taskId !== taskId) return refuse('TaskIdMismatch', `the body's taskId "${String(body.taskId)}" is not the message id "${taskId}"`);
  if (message.sessionId && body.sessionId !== undefined && body.sessionId !== message.sessionId) {
    return refuse('SessionMismatch', `the body's sessionId "${String(body.sessionId)}" is not the message's session "${message.sessionId}"`);
  }
  const priority = message.properties[PROPERTIES.priority];
  let priorityFromProperty: number | undefined;
  if (priority !== undefined && priority !== null) {
    const parsed = priorityProperty.safeParse(priority);
    if (!parsed.success) return refuse('InvalidProperties', `the priority property must be a whole number from 1 to 5, not ${JSON.stringify(priority)}`);
    priorityFromProperty = parsed.data;
  }
  const submission = {
    ...body,
    taskId,
    // The body's own priority wins; the property only fills it in.
    ...(body.priority === undefined && priorityFromProperty !== undefined ? { priority: priorityFromProperty } : {}),
    ...(message.sessionId ? { sessionId: message.sessionId } : {}),
  };
  // The API checks all of it again (and the input against the task type); this says early, and plainly, what is wrong.
  const checked = taskSubmission.safeParse(submission);
  if (!checked.success) return refuse('InvalidSubmission', describeIssues(checked.error));
  return { ok: true, tenant, body: submission };
}

/**
 * A capability request has no id of its own to start once: like the API, it joins the build for its API (and
 * credential), so a repeated message joins the same build; its reply is correlated with the message's id.
 */
function prepareCapability(message: InboundMessage): Prepared {
  const common = prepareCommon(message);
  if (!common.ok) return common;
  const checked = capabilityRequestSchema.safeParse(common.body);
  if (!checked.success) return refuse('InvalidSubmission', describeIssues(checked.error));
  return common;
}

function prepareCommon(message: InboundMessage): Prepared {
  const tenant = identifier.safeParse(message.properties[PROPERTIES.tenant]);
  if (!tenant.success) return refuse('InvalidProperties', 'the tenant application property is missing or not an identifier');
  const body = decodeBody(message.body);
  if (!body.ok) return body;
  return { ok: true, tenant: tenant.data, body: body.value };
}

/** A JSON object, whether the broker decoded it already or it came as text or bytes. */
function decodeBody(body: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; refusal: Refusal } {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      value = JSON.parse(text) as unknown;
    } catch (error) {
      return refuse('InvalidJson', `the body is not JSON: ${describeError(error)}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('InvalidJson', 'the body must be a JSON object');
  return { ok: true, value: value as Record<string, unknown> };
}

function reject(reason: string, description: string): Refusal {
  return { kind: 'reject', reason, description };
}

function refuse(reason: string, description: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: reject(reason, description) };
}
