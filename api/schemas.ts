import { z } from 'zod';
import { acceptanceRule, identifier, jsonObject, jsonValue, taskSubmission } from '../core/tasks/submission.js';
import { errorResponse } from './errors.js';

/*
 * Every body, parameter and answer of the HTTP API as a zod schema. Routes parse requests with these and type their
 * answers with the inferred types; /openapi.json is generated from the same objects, so the document cannot drift.
 */

export { taskSubmission };

export const taskId = identifier.describe('The task id given at submission');
export const taskParams = z.object({ id: taskId }).strict();

export const approvalRequest = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(2000).optional(),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof approvalRequest>;

export const taskStatus = z.enum(['RUNNING', 'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED', 'FAILED']);
const impact = z.enum(['low', 'medium', 'high', 'critical']);

export const taskAccepted = z
  .object({
    taskId: z.string(),
    tenant: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    status: taskStatus,
    created: z.boolean().describe('true only for the submission that started the task; a repeat answers false'),
  })
  .strict();
export type TaskAccepted = z.infer<typeof taskAccepted>;

export const approvalRecord = z
  .object({
    decision: z.enum(['approve', 'reject']),
    approverId: z.string(),
    comment: z.string().optional(),
    reason: z.enum(['human', 'timeout']),
    via: z.enum(['signal', 'update', 'timer']),
    at: z.string().describe('ISO 8601'),
  })
  .strict();

const proposedEffect = z.object({ key: z.string(), kind: z.string(), payload: jsonObject }).strict();

const pendingApproval = z
  .object({
    reasons: z.array(z.string()),
    requestedAt: z.string(),
    deadline: z.string(),
    impact,
    confidence: z.number(),
    effects: z.array(proposedEffect),
  })
  .strict();

export const taskStatusView = z
  .object({
    tenant: z.string(),
    taskId: z.string(),
    agentType: z.string(),
    taskType: z.string(),
    status: taskStatus,
    step: z.enum(['perceive', 'retrieve', 'reason', 'execute', 'verify', 'awaiting_approval', 'commit', 'learn', 'done']),
    attempt: z.number().int(),
    pendingApproval: pendingApproval.optional(),
    approval: approvalRecord.optional(),
    lastError: z.string().optional(),
  })
  .strict();

const toolCall = z.object({ tool: z.string(), input: jsonObject }).strict();
const plan = z
  .object({ procedure: z.string(), steps: z.array(toolCall), confidence: z.number(), rationale: z.string(), reasoner: z.string() })
  .strict();
const toolRunResult = z
  .object({ tool: z.string(), ok: z.boolean(), output: jsonValue, error: z.string().optional(), durationMs: z.number() })
  .strict();
const verificationReport = z
  .object({
    passed: z.boolean(),
    checked: z.number().int(),
    failures: z.array(z.object({ rule: acceptanceRule, reason: z.string() }).strict()),
  })
  .strict();

export const taskResult = z
  .object({
    status: z.enum(['COMPLETED', 'REJECTED']),
    attempts: z.number().int(),
    plan,
    outputs: z.array(toolRunResult),
    verification: verificationReport,
    approval: approvalRecord.optional(),
    appliedEffects: z.array(z.string()),
    escalationReasons: z.array(z.string()),
  })
  .strict();

export const taskStatusResponse = z
  .object({
    taskId: z.string(),
    tenant: z.string(),
    workflowId: z.string(),
    runStatus: z.string().describe("Temporal's execution status: RUNNING, COMPLETED, FAILED, TERMINATED, TIMED_OUT, CANCELLED, …"),
    status: taskStatus,
    view: taskStatusView.optional().describe('Live progress, while the task runs'),
    result: taskResult.optional().describe('The outcome, once the task completed or was rejected'),
    error: z.string().optional().describe('Why the task failed, once it failed'),
  })
  .strict();
export type TaskStatusResponse = z.infer<typeof taskStatusResponse>;

export const healthResponse = z.object({ ok: z.boolean(), temporal: z.boolean(), database: z.boolean() }).strict();
export type HealthResponse = z.infer<typeof healthResponse>;

export const openApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0') });

/** Component names in the OpenAPI document: every schema a route uses directly must be here. */
export const NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [taskId, 'TaskId'],
  [jsonValue, 'JsonValue'],
  [acceptanceRule, 'AcceptanceRule'],
  [taskSubmission, 'TaskSubmission'],
  [taskAccepted, 'TaskAccepted'],
  [approvalRequest, 'ApprovalRequest'],
  [approvalRecord, 'ApprovalRecord'],
  [taskStatusView, 'TaskStatusView'],
  [taskResult, 'TaskResult'],
  [taskStatusResponse, 'TaskStatusResponse'],
  [healthResponse, 'Health'],
  [errorResponse, 'Error'],
  [openApiDocumentSchema, 'OpenApiDocument'],
];
