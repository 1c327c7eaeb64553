import { z } from 'zod';
import { AGENT_NAMED_SCHEMAS } from './agents/named-schemas.js';
import { MEMORY_NAMED_SCHEMAS } from './memory-schemas.js';
import { SWARM_NAMED_SCHEMAS } from './swarm-schemas.js';
import { METRICS_NAMED_SCHEMAS } from './metrics-schemas.js';
import { THREAT_NAMED_SCHEMAS } from './threat-schemas.js';
import { TOOL_NAMED_SCHEMAS } from './tool-schemas.js';
import { DEAD_LETTER_NAMED_SCHEMAS } from './dead-letter-schemas.js';
import { acceptanceRule, identifier, jsonObject, jsonValue, taskSubmission } from '../core/tasks/submission.js';
import { TASK_STEPS } from '../core/tasks/task.js';
import { voterInput } from '../core/decisions/voter-input.js';
import { CONSENSUS_STATUSES } from '../core/decisions/rounds.js';
import { errorResponse } from './errors.js';
import { budgetSetting, budgetView, costQuery, costReport, modelList, modelParams, modelRouting, modelSpecSchema, modelUpserted } from './model-schemas.js';

export { budgetSetting, budgetView, costQuery, costReport, modelList, modelParams, modelSpecSchema, modelUpserted };

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
    option: z.string().min(1).max(200).optional().describe('An escalated consensus round: the option chosen (any of the round’s options); approve only'),
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
    option: z.string().optional().describe('The option adopted, for a request with options'),
  })
  .strict();

const proposedEffect = z.object({ key: z.string(), kind: z.string(), payload: jsonObject }).strict();

const pendingApproval = z
  .object({
    reasons: z.array(z.string()),
    requestedAt: z.string(),
    deadline: z.string().describe('The current tier’s deadline (it moves when the request escalates)'),
    tier: z.string().optional(),
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
    step: z.enum(TASK_STEPS),
    attempt: z.number().int(),
    agentId: z.string().optional().describe('The agent the marketplace awarded the task to'),
    consensusScore: z.number().optional().describe("The peers' confidence-weighted support for applying the effects (when a review was asked for)"),
    pendingApproval: pendingApproval.optional(),
    approval: approvalRecord.optional(),
    lastError: z.string().optional(),
  })
  .strict();

const toolCall = z.object({ tool: z.string(), input: jsonObject }).strict();
const plan = z
  .object({
    procedure: z.string(),
    steps: z.array(toolCall),
    confidence: z.number(),
    rationale: z.string(),
    reasoner: z.string(),
    routing: modelRouting.optional().describe('Set when the model router chose who planned'),
  })
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

/* Human decisions: the approvals inbox, consensus rounds, delegation modes and their metrics. */

const severity = impact;
export const approvalIdSchema = z
  .string()
  .max(200)
  .regex(/^(task|consensus|threat|policy)\.[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a request id: <task|consensus|threat|policy>.<subject id>')
  .describe('The request id: the kind of what is decided and its id, e.g. task.rec-1');
export const approvalParams = z.object({ id: approvalIdSchema }).strict();

export const approvalsQuery = z
  .object({
    status: z.enum(['pending', 'approved', 'rejected', 'timed_out', 'all']).default('pending').describe('Which requests; pending by default'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many, in priority order'),
  })
  .strict();

export const approvalItem = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    subject: z.object({ kind: z.enum(['task', 'consensus', 'threat', 'policy']), id: z.string() }).strict(),
    agentType: z.string().nullable(),
    title: z.string(),
    severity,
    status: z.enum(['pending', 'approved', 'rejected', 'timed_out']),
    tier: z.number().int(),
    tierName: z.string(),
    tierGroup: z.string().nullable(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    deadline: z.string(),
    ageSeconds: z.number(),
    context: z.object({ summary: z.string(), reasons: z.array(z.string()), details: jsonObject }).strict(),
    proposal: jsonObject,
    safeDefault: z.enum(['approve', 'reject']),
    decidedAt: z.string().nullable(),
    decision: jsonObject.nullable(),
  })
  .strict();
export type ApprovalItem = z.infer<typeof approvalItem>;
export const approvalList = z.object({ approvals: z.array(approvalItem), count: z.number().int() }).strict();

const consensusOption = z.union([
  z.string().min(1).max(200),
  z.object({ id: identifier, label: z.string().min(1).max(200), description: z.string().max(2000).optional() }).strict(),
]);
export const consensusSubmission = z
  .object({
    roundId: identifier.describe('Your id for the round; submitting it again starts nothing'),
    question: z.string().min(1).max(2000),
    context: z.string().max(20_000).default(''),
    options: z.array(consensusOption).min(2).max(20).describe('Option objects, or plain answers (their slug becomes the id)'),
    voters: z.array(voterInput).min(1).max(25).describe('Agent types vote through their playbook, models through the OpenAI-compatible endpoint'),
    minAgreement: z.number().min(0).max(1).default(0.75),
    quorum: z.number().int().min(1).max(25).optional().describe('Votes needed; a strict majority of the pool by default'),
    voteTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
    leaderTieBreak: z.boolean().default(true),
    taskType: z.string().min(1).max(128).optional(),
    severity: severity.default('medium'),
    approvalTimeoutSeconds: z.number().int().min(1).max(30 * 24 * 3600).default(24 * 3600),
    minDistinctModels: z.number().int().min(1).max(10).default(2),
    expected: z.string().max(200).optional().describe('The right option, for rounds of a labelled benchmark set'),
  })
  .strict();
export type ConsensusSubmission = z.infer<typeof consensusSubmission>;
export const consensusParams = z.object({ id: identifier.describe('The round id') }).strict();
export const consensusAccepted = z
  .object({ roundId: z.string(), tenant: z.string(), workflowId: z.string(), created: z.boolean(), voters: z.array(z.string()) })
  .strict();

const vote = z.object({ voter: z.string(), choice: z.string(), confidence: z.number(), rationale: z.string(), model: z.string().optional() }).strict();
const voterFailure = z.object({ voter: z.string(), reason: z.enum(['failed', 'late']), message: z.string() }).strict();
export const consensusView = z
  .object({
    tenant: z.string(),
    roundId: z.string(),
    question: z.string(),
    status: z.enum(CONSENSUS_STATUSES),
    leader: z.string().optional(),
    votes: z.array(vote),
    failures: z.array(voterFailure),
    score: z
      .object({
        agreement: z.array(z.array(z.number())),
        voters: z.array(z.string()),
        pairwiseAgreement: z.number(),
        support: z.array(z.object({ option: z.string(), votes: z.number(), weight: z.number() }).strict()),
        leading: z.string().optional(),
        tie: z.boolean(),
        tieBrokenByLeader: z.boolean(),
        score: z.number(),
        quorumReached: z.boolean(),
        decided: z.boolean(),
      })
      .strict()
      .optional(),
    decision: z.string().optional(),
    approvalId: z.string().optional(),
    reasons: z.array(z.string()),
    approval: approvalRecord.optional(),
    dissent: z.array(vote).optional(),
  })
  .strict();
export const consensusResponse = z.object({ roundId: z.string(), tenant: z.string(), workflowId: z.string(), runStatus: z.string(), round: consensusView }).strict();

export const delegationChange = z
  .object({
    agentType: z.string().min(1).max(128).describe('An agent type, or * for the tenant default'),
    mode: z.enum(['full_automation', 'human_approval', 'human_in_the_loop', 'human_on_the_loop']),
    listedActions: z.array(z.string().min(1).max(128)).max(100).default([]).describe('human_approval: effect kinds that always need approval'),
    revertWindowSeconds: z.number().int().min(1).max(30 * 24 * 3600).default(3600).describe('human_on_the_loop: how long a person may revert'),
  })
  .strict();
export const delegationList = z
  .object({
    modes: z.array(
      z
        .object({
          agentType: z.string(),
          mode: z.string(),
          listedActions: z.array(z.string()),
          revertWindowSeconds: z.number(),
          updatedBy: z.string(),
          updatedAt: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

export const approvalTiersRequest = z
  .object({
    tiers: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            group: z.string().min(1).max(100).optional(),
            members: z.array(z.string().min(1).max(200)).max(200).optional(),
            timeoutSeconds: z.number().int().min(1).max(30 * 24 * 3600),
          })
          .strict(),
      )
      .max(10),
  })
  .strict();

export const decisionMetrics = z
  .object({
    tenant: z.string(),
    decisions: z.number().int().describe('Tasks that reached a decision point plus consensus rounds'),
    humanRequests: z.number().int(),
    humanApprovalRate: z.number().describe('humanRequests / decisions; the product aims below 0.15'),
    outcomes: z.object({ pending: z.number(), approved: z.number(), rejected: z.number(), timedOut: z.number() }).strict(),
    timeToDecisionSeconds: z.object({ count: z.number(), p50: z.number().nullable(), p90: z.number().nullable(), max: z.number().nullable() }).strict(),
    consensus: z
      .object({
        rounds: z.number(),
        decidedWithoutHuman: z.number(),
        scoreHistogram: z.array(z.object({ from: z.number(), to: z.number(), rounds: z.number() }).strict()),
        labelled: z.number(),
        accuracy: z.number().nullable().describe('Share of labelled rounds whose decision was the expected option'),
      })
      .strict(),
    thresholds: z.array(z.object({ agentType: z.string(), minConfidence: z.number(), decisionsSeen: z.number() }).strict()),
  })
  .strict();

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
  [approvalIdSchema, 'ApprovalId'],
  [approvalsQuery, 'ApprovalsQuery'],
  [approvalList, 'ApprovalList'],
  [approvalItem, 'ApprovalItem'],
  [consensusSubmission, 'ConsensusSubmission'],
  [consensusAccepted, 'ConsensusAccepted'],
  [consensusResponse, 'ConsensusResponse'],
  [consensusParams.shape.id, 'ConsensusId'],
  [delegationChange, 'DelegationChange'],
  [delegationList, 'DelegationList'],
  [approvalTiersRequest, 'ApprovalTiers'],
  [decisionMetrics, 'DecisionMetrics'],
  [modelSpecSchema, 'ModelSpec'],
  [modelList, 'ModelList'],
  [modelUpserted, 'ModelUpserted'],
  [modelParams.shape.id, 'ModelId'],
  [costReport, 'CostReport'],
  [costQuery, 'CostQuery'],
  [budgetSetting, 'BudgetSetting'],
  [budgetView, 'Budget'],
  ...AGENT_NAMED_SCHEMAS,
  ...MEMORY_NAMED_SCHEMAS,
  ...SWARM_NAMED_SCHEMAS,
  ...METRICS_NAMED_SCHEMAS,
  ...THREAT_NAMED_SCHEMAS,
  ...TOOL_NAMED_SCHEMAS,
  ...DEAD_LETTER_NAMED_SCHEMAS,
];
