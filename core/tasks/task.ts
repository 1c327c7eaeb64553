import type { AcceptanceRule, VerificationReport } from './acceptance.js';
import type { ModelRouting } from '../routing/outcome.js';
import type { ModelConstraints } from '../routing/router.js';
import type { TaskReview } from './review.js';
import type { JsonObject, JsonValue } from './json.js';

/** Where a task is in its loop; shown by the `status` query and the Temporal UI's current details. */
export const TASK_STEPS = ['perceive', 'session', 'capabilities', 'award', 'retrieve', 'reason', 'execute', 'verify', 'review', 'awaiting_approval', 'commit', 'learn', 'done'] as const;
export type TaskStep = (typeof TASK_STEPS)[number];

/** The value of the `AntsStatus` search attribute. */
export type TaskStatus = 'RUNNING' | 'AWAITING_APPROVAL' | 'COMPLETED' | 'REJECTED' | 'FAILED';

export type Impact = 'low' | 'medium' | 'high' | 'critical';

/** What the API (or any ingress) hands to `taskWorkflow`; validated at the edge, so the workflow trusts it. */
export interface TaskWorkflowInput {
  tenant: string;
  taskId: string;
  agentType: string;
  taskType: string;
  /** 1 (lowest) … 5 (highest). */
  priority: number;
  input: JsonObject;
  /** Rules added by the submitter on top of the task type's own. */
  acceptance: AcceptanceRule[];
  /** The submitter asks for a human decision whatever the escalation rules say. */
  requireApproval: boolean;
  approvalTimeoutMs: number;
  /** How many Reason→Execute→Verify rounds before the task fails. */
  maxAttempts: number;
  requestedBy: string;
  /** Limits for the models that reason for this task (absent: the service-wide ones). */
  modelConstraints?: ModelConstraints;
  /** Peers vote on the proposed effects before they apply (see core/tasks/review.ts). */
  review?: TaskReview;
  /** Tasks of one session run one after another, in submission order (see core/tasks/session.ts). */
  sessionId?: string;
}

export interface ToolCall {
  tool: string;
  input: JsonObject;
  /** Tool input field ← path in the previous step's output, filled in when the step runs (e.g. `payments` ← `data`). */
  fromPrevious?: Record<string, string>;
}

export interface Plan {
  procedure: string;
  steps: ToolCall[];
  confidence: number;
  rationale: string;
  reasoner: string;
  /** Set when the model router chose who planned: the decision, the calls (fallbacks included), tokens and cost. */
  routing?: ModelRouting;
}

export interface ToolRunResult {
  tool: string;
  ok: boolean;
  output: JsonValue;
  error?: string;
  durationMs: number;
}

export interface ProposedEffect {
  /** Unique within the task: the idempotency key of the effect together with tenant and task id. */
  key: string;
  kind: string;
  payload: JsonObject;
}

export interface VerifyResult {
  report: VerificationReport;
  impact: Impact;
  effects: ProposedEffect[];
}

export type Decision = 'approve' | 'reject';

export interface ApprovalDecisionInput {
  approverId: string;
  comment?: string;
  /** For a request with options (an escalated consensus round): the option the person chose. */
  option?: string;
}

export interface ApprovalRecord {
  decision: Decision;
  approverId: string;
  comment?: string;
  /** `timeout` when nobody decided in time and the safe default applied. */
  reason: 'human' | 'timeout';
  via: 'signal' | 'update' | 'timer';
  at: string;
  /** The option adopted, for a request with options: the person's choice, else the agents' proposal. */
  option?: string;
}

export interface PendingApproval {
  reasons: string[];
  requestedAt: string;
  /** The current tier's deadline: it moves when the request escalates to a later tier. */
  deadline: string;
  /** The approver tier the request waits at now. */
  tier?: string;
  impact: Impact;
  confidence: number;
  effects: ProposedEffect[];
}

export interface TaskStatusView {
  tenant: string;
  taskId: string;
  agentType: string;
  taskType: string;
  status: TaskStatus;
  step: TaskStep;
  attempt: number;
  /** The agent the marketplace awarded the task to (absent when its type has no deployed agent). */
  agentId?: string;
  /** The peers' support for applying the effects, when the submitter asked for a review. */
  consensusScore?: number;
  pendingApproval?: PendingApproval;
  approval?: ApprovalRecord;
  lastError?: string;
}

export interface TaskResult {
  status: Extract<TaskStatus, 'COMPLETED' | 'REJECTED'>;
  attempts: number;
  plan: Plan;
  outputs: ToolRunResult[];
  verification: VerificationReport;
  approval?: ApprovalRecord;
  appliedEffects: string[];
  escalationReasons: string[];
}
