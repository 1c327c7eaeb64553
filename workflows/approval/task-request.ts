import { approvalId } from '../../core/decisions/requests.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { ApprovalRecord, Decision, PendingApproval, Plan, TaskWorkflowInput, VerifyResult } from '../../core/tasks/task.js';
import type { HumanGate } from './gate.js';

export interface TaskApprovalContext {
  input: TaskWorkflowInput;
  plan: Plan;
  verified: VerifyResult;
  pending: PendingApproval;
  windowMs: number;
  safeDefault: Decision;
}

/**
 * A task's request for a human decision: the proposed effects with the verification report and the plan's rationale
 * as context, the effects themselves as the proposal the decision is recorded against.
 */
export async function askForTask(gate: HumanGate, { input, plan, verified, pending, windowMs, safeDefault }: TaskApprovalContext, whenOpen: () => void): Promise<ApprovalRecord> {
  const effects = verified.effects.map((e) => ({ key: e.key, kind: e.kind, payload: e.payload }));
  const details: JsonObject = {
    taskType: input.taskType,
    priority: input.priority,
    impact: verified.impact,
    confidence: plan.confidence,
    procedure: plan.procedure,
    rationale: plan.rationale,
    reasoner: plan.reasoner,
    verification: { passed: verified.report.passed, checked: verified.report.checked },
    effects,
  };
  const outcome = await gate.ask(
    {
      tenant: input.tenant,
      approvalId: approvalId({ kind: 'task', id: input.taskId }),
      subject: { kind: 'task', id: input.taskId },
      agentType: input.agentType,
      title: `${input.agentType} / ${input.taskType}: ${effects.length} effect(s), impact ${verified.impact}, confidence ${plan.confidence.toFixed(2)}`,
      severity: verified.impact,
      requestedBy: input.requestedBy,
      context: { summary: `${plan.reasoner} proposes ${effects.length} effect(s) via ${plan.procedure}: ${plan.rationale}`, reasons: pending.reasons, details },
      proposal: { effects, confidence: plan.confidence },
      timeoutMs: windowMs,
      safeDefault,
    },
    whenOpen,
    // The task's status view holds this same object: after an escalation it shows the current tier's deadline.
    (change) => {
      pending.deadline = change.deadline;
      pending.tier = change.tierName;
    },
  );
  return outcome.record;
}
