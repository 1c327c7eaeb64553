import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AuditActivities } from '../../activities/audit/activities.js';
import type { IntegrationsActivities } from '../../activities/integrations/activities.js';
import type { LoopActivities } from '../../activities/loop/activities.js';
import type { MemoryActivities } from '../../activities/memory/activities.js';
import type { ModelsActivities } from '../../activities/models/activities.js';
import type { ToolsActivities } from '../../activities/tools/activities.js';
import { checkApprovalAttempt, refusalMessage } from '../../core/decisions/approval.js';
import { describeEscalation, shouldEscalate } from '../../core/decisions/escalation.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { TaskRef } from '../../core/tasks/steps.js';
import type {
  ApprovalDecisionInput,
  ApprovalRecord,
  Decision,
  PendingApproval,
  Plan,
  TaskResult,
  TaskStatus,
  TaskStatusView,
  TaskStep,
  TaskWorkflowInput,
  ToolRunResult,
  VerifyResult,
} from '../../core/tasks/task.js';
import { INTEGRATIONS_STEP, LOCAL_STEP, MEMORY_STEP, MODELS_STEP, TOOLS_STEP } from './activity-options.js';
import { approveSignal, decideUpdate, rejectSignal, statusQuery } from './messages.js';
import { searchAttributesFor, statusAttribute } from './search-attributes.js';

const loop = proxyLocalActivities<LoopActivities & AuditActivities>(LOCAL_STEP);
const memory = proxyActivities<MemoryActivities>(MEMORY_STEP);
const models = proxyActivities<ModelsActivities>(MODELS_STEP);
const tools = proxyActivities<ToolsActivities>(TOOLS_STEP);
const integrations = proxyActivities<IntegrationsActivities>(INTEGRATIONS_STEP);

/**
 * One task: Perceive → Retrieve → Reason → Execute → Verify (back to Reason on failure) → human approval when the
 * escalation rules fire → apply the effects → Learn. Tool code runs without side effects in the sandbox, so a person
 * approves concrete proposed effects, and nothing outside ANTS changes before they do.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskResult> {
  const workflowId = workflowInfo().workflowId;
  const task: TaskRef = { tenant: input.tenant, taskId: input.taskId, agentType: input.agentType, taskType: input.taskType };
  const view: TaskStatusView = { ...task, status: 'RUNNING', step: 'perceive', attempt: 0 };
  let refusedAttempts = 0;
  let decision: ApprovalRecord | undefined;

  const audit = (kind: string, actor: string, details: JsonObject, key = kind) =>
    loop.recordAudit({ tenant: task.tenant, taskId: task.taskId, kind, actor, details, idempotencyKey: `${workflowId}:${key}` });

  const moveTo = (step: TaskStep, status: TaskStatus = view.status) => {
    view.step = step;
    if (status !== view.status) {
      view.status = status;
      upsertSearchAttributes([statusAttribute(status)]);
    }
    setCurrentDetails(`**${status}** · step \`${step}\` · attempt ${view.attempt}/${input.maxAttempts}`);
  };

  const decide = (choice: Decision, attempt: ApprovalDecisionInput, via: ApprovalRecord['via']): ApprovalRecord => {
    decision = { decision: choice, approverId: attempt.approverId, comment: attempt.comment, reason: 'human', via, at: new Date().toISOString() };
    return decision;
  };

  const onSignal = (choice: Decision) => async (attempt: ApprovalDecisionInput) => {
    const refusal = checkApprovalAttempt(attempt, { waiting: view.status === 'AWAITING_APPROVAL' && !decision, requestedBy: input.requestedBy });
    if (!refusal) {
      decide(choice, attempt, 'signal');
      return;
    }
    // A signal cannot be refused to its sender, so the refusal is recorded where people will look for it.
    refusedAttempts += 1;
    await audit('approval.refused', attempt.approverId || 'unknown', { via: 'signal', decision: choice, reason: refusal.message }, `approval.refused:${refusedAttempts}`);
  };
  setHandler(approveSignal, onSignal('approve'));
  setHandler(rejectSignal, onSignal('reject'));
  setHandler(decideUpdate, (attempt) => decide(attempt.decision, attempt, 'update'), {
    validator: (attempt) => {
      const refusal = checkApprovalAttempt(attempt, { waiting: view.status === 'AWAITING_APPROVAL' && !decision, requestedBy: input.requestedBy });
      if (refusal) throw new Error(refusalMessage(refusal));
    },
  });
  setHandler(statusQuery, () => view);

  upsertSearchAttributes(searchAttributesFor(input, 'RUNNING'));
  moveTo('perceive');
  const perceived = await loop.perceiveTask.executeWithOptions({ ...LOCAL_STEP, summary: `Perceive ${task.agentType}/${task.taskType}` }, [input]);
  await audit('task.accepted', input.requestedBy, { priority: input.priority, procedure: perceived.procedure });

  moveTo('retrieve');
  const context = await memory.retrieveContext.executeWithOptions({ ...MEMORY_STEP, summary: 'Retrieve similar episodes and procedure stats' }, [
    { task, input: perceived.input },
  ]);

  let plan: Plan | undefined;
  let outputs: ToolRunResult[] = [];
  let verified: VerifyResult | undefined;
  let feedback: string[] = [];
  for (view.attempt = 1; view.attempt <= input.maxAttempts; view.attempt += 1) {
    moveTo('reason');
    plan = await models.reasonPlan.executeWithOptions({ ...MODELS_STEP, summary: `Reason (attempt ${view.attempt})` }, [
      { task, input: perceived.input, attempt: view.attempt, context, feedback },
    ]);
    moveTo('execute');
    outputs = await tools.executePlan.executeWithOptions(
      { ...TOOLS_STEP, summary: `Execute ${plan.steps.map((s) => s.tool).join(', ')} in the sandbox` },
      [{ task, attempt: view.attempt, steps: plan.steps }],
    );
    moveTo('verify');
    verified = await loop.verifyOutcome.executeWithOptions({ ...LOCAL_STEP, summary: `Verify against ${perceived.acceptance.length} rule(s)` }, [
      { task, acceptance: perceived.acceptance, outputs },
    ]);
    if (verified.report.passed) break;
    feedback = verified.report.failures.map((f) => f.reason);
    view.lastError = feedback.join('; ');
    await audit('task.verification_failed', 'ants', { attempt: view.attempt, failures: feedback }, `task.verification_failed:${view.attempt}`);
  }
  if (!plan || !verified || !verified.report.passed) {
    view.attempt = input.maxAttempts;
    const reasons = view.lastError ?? 'no attempt was made';
    moveTo('done', 'FAILED');
    if (plan) await learn(plan, outputs, 'failed', verified?.impact ?? 'low');
    await audit('task.failed', 'ants', { attempts: input.maxAttempts, reasons });
    await condition(allHandlersFinished);
    throw ApplicationFailure.nonRetryable(`task failed verification after ${input.maxAttempts} attempt(s): ${reasons}`, 'VerificationFailed');
  }
  const attempts = view.attempt;

  const escalationInput = {
    confidence: plan.confidence,
    impact: verified.impact,
    policyRequiresApproval: perceived.policyRequiresApproval || input.requireApproval,
    similarEpisodes: context.similarEpisodes.length,
  };
  const escalation = shouldEscalate(escalationInput);
  const escalationReasons = escalation.reasons.map((r) => describeEscalation(r, escalationInput));
  if (escalation.escalate) {
    const requestedAt = new Date();
    const pending: PendingApproval = {
      reasons: escalationReasons,
      requestedAt: requestedAt.toISOString(),
      deadline: new Date(requestedAt.getTime() + input.approvalTimeoutMs).toISOString(),
      impact: verified.impact,
      confidence: plan.confidence,
      effects: verified.effects,
    };
    view.pendingApproval = pending;
    moveTo('awaiting_approval', 'AWAITING_APPROVAL');
    await audit('approval.requested', 'ants', { reasons: escalationReasons, deadline: pending.deadline, effects: verified.effects.length });
    const decided = await condition(() => decision !== undefined, input.approvalTimeoutMs);
    if (!decided || !decision) {
      // The safe default: nothing is applied when nobody decided in time.
      decision = { decision: 'reject', approverId: 'system', comment: 'no decision before the deadline', reason: 'timeout', via: 'timer', at: new Date().toISOString() };
    }
    view.approval = decision;
    view.pendingApproval = undefined;
    await audit(decision.reason === 'timeout' ? 'approval.timeout' : 'approval.decided', decision.approverId, {
      decision: decision.decision,
      via: decision.via,
      reason: decision.reason,
      comment: decision.comment ?? null,
    });
    if (decision.decision === 'reject') {
      moveTo('learn', 'REJECTED');
      await learn(plan, outputs, 'rejected', verified.impact);
      moveTo('done');
      await audit('task.rejected', decision.approverId, { reason: decision.reason });
      await condition(allHandlersFinished);
      return { status: 'REJECTED', attempts, plan, outputs, verification: verified.report, approval: decision, appliedEffects: [], escalationReasons };
    }
    moveTo('commit', 'RUNNING');
  }

  moveTo('commit');
  const effects = await integrations.applyEffects.executeWithOptions(
    { ...INTEGRATIONS_STEP, summary: `Apply ${verified.effects.length} effect(s)` },
    [{ task, effects: verified.effects }],
  );
  moveTo('learn');
  await learn(plan, outputs, 'completed', verified.impact);
  moveTo('done', 'COMPLETED');
  const appliedEffects = [...effects.applied, ...effects.alreadyApplied];
  await audit('task.completed', 'ants', { attempts, effects: appliedEffects });
  await condition(allHandlersFinished);
  return { status: 'COMPLETED', attempts, plan, outputs, verification: verified.report, approval: decision, appliedEffects, escalationReasons };

  async function learn(usedPlan: Plan, runs: ToolRunResult[], outcome: 'completed' | 'rejected' | 'failed', impact: VerifyResult['impact']) {
    await memory.learnFromTask.executeWithOptions({ ...MEMORY_STEP, summary: `Learn from a ${outcome} task` }, [
      {
        task,
        input: perceived.input,
        plan: usedPlan,
        outputs: runs,
        success: outcome === 'completed',
        outcome,
        impact,
        humanDecision: decision?.decision,
        humanComment: decision?.comment,
      },
    ]);
  }
}
