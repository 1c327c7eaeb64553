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
import type { DecisionsActivities } from '../../activities/decisions/activities.js';
import { humanInvolvement } from '../../core/decisions/delegation.js';
import { describeEscalation, ESCALATION_THRESHOLDS, shouldEscalate } from '../../core/decisions/escalation.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { TaskRef } from '../../core/tasks/steps.js';
import type {
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
import { DECISION_STEP } from '../approval/activity-options.js';
import { registerHumanGate } from '../approval/gate.js';
import { askForTask } from '../approval/task-request.js';
import { useMarketplace } from './marketplace.js';
import { peerReview } from './review.js';
import { useSession } from './session.js';
import { useCapabilities } from './capabilities.js';
import { bindCapabilities } from '../../core/tools/capability.js';
import { statusQuery } from './messages.js';
import { searchAttributesFor, statusAttribute } from './search-attributes.js';

const loop = proxyLocalActivities<LoopActivities & AuditActivities>(LOCAL_STEP);
const memory = proxyActivities<MemoryActivities>(MEMORY_STEP);
const models = proxyActivities<ModelsActivities>(MODELS_STEP);
const tools = proxyActivities<ToolsActivities>(TOOLS_STEP);
const integrations = proxyActivities<IntegrationsActivities>(INTEGRATIONS_STEP);
const decisions = proxyLocalActivities<DecisionsActivities>(DECISION_STEP);

/**
 * One task: Perceive → Retrieve → Reason → Execute → Verify (back to Reason on failure) → human approval when the
 * escalation rules fire → apply the effects → Learn. Tool code runs without side effects in the sandbox, so a person
 * approves concrete proposed effects, and nothing outside ANTS changes before they do.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<TaskResult> {
  const marketplace = useMarketplace(input, new Date(workflowInfo().startTime).toISOString());
  const session = useSession(input);
  const capabilities = useCapabilities(input);
  try {
    return await runTask(input, marketplace, session, capabilities);
  } catch (error) {
    // Whatever ended the task early, the agent's slot goes back and the next task of its session gets its turn.
    await marketplace.release(false);
    await session.leave();
    throw error;
  }
}

async function runTask(
  input: TaskWorkflowInput,
  marketplace: ReturnType<typeof useMarketplace>,
  session: ReturnType<typeof useSession>,
  capabilities: ReturnType<typeof useCapabilities>,
): Promise<TaskResult> {
  const workflowId = workflowInfo().workflowId;
  const task: TaskRef = { tenant: input.tenant, taskId: input.taskId, agentType: input.agentType, taskType: input.taskType };
  const view: TaskStatusView = { ...task, status: 'RUNNING', step: 'perceive', attempt: 0 };
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

  /**
   * The last step of every ending: audit the outcome, let running handlers finish, and only then show the final
   * status, in the same workflow task that closes the run — so nobody reads COMPLETED from a run that has no result.
   */
  const settle = async (status: Extract<TaskStatus, 'COMPLETED' | 'REJECTED' | 'FAILED'>, kind: string, actor: string, details: JsonObject) => {
    await marketplace.release(status === 'COMPLETED');
    await session.leave();
    await audit(kind, actor, details);
    await condition(allHandlersFinished);
    moveTo('done', status);
  };

  // approve/reject/decide stay on the task's own id; the gate passes them to the approvalWorkflow child.
  const humans = registerHumanGate({
    workflowId,
    requestedBy: input.requestedBy,
    auditRefusal: (actor, details, n) => audit('approval.refused', actor, details, `approval.refused:${n}`),
  });
  setHandler(statusQuery, () => view);

  upsertSearchAttributes(searchAttributesFor(input, 'RUNNING'));
  moveTo('perceive');
  const perceived = await loop.perceiveTask.executeWithOptions({ ...LOCAL_STEP, summary: `Perceive ${task.agentType}/${task.taskType}` }, [input]);
  await audit('task.accepted', input.requestedBy, { priority: input.priority, procedure: perceived.procedure });

  if (session.sessionId) {
    // Ordered sessions: nothing of this task (not even an agent's slot) is taken before the earlier tasks are done.
    moveTo('session');
    await session.waitForTurn();
  }

  let bindings: Record<string, string> = {};
  // Runs recorded before tasks could need capabilities have none in their Perceive result.
  const needs = perceived.capabilities ?? [];
  if (needs.length > 0) {
    // Tools this task's playbook needs from outside APIs: built by the meta-agent if the tenant
    // lacks them — before an agent's slot is taken, so no agent idles while tools are being built.
    moveTo('capabilities');
    bindings = await capabilities.acquire(needs);
  }

  moveTo('award');
  const award = await marketplace.take();
  if (award) view.agentId = award.agentId;

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
    plan = bindCapabilities(
      await models.reasonPlan.executeWithOptions({ ...MODELS_STEP, summary: `Reason (attempt ${view.attempt})` }, [
        { task, input: perceived.input, attempt: view.attempt, context, feedback, ...(input.modelConstraints ? { constraints: input.modelConstraints } : {}) },
      ]),
      bindings,
    );
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
    moveTo('learn');
    if (plan) await learn(plan, outputs, 'failed', verified?.impact ?? 'low');
    await settle('FAILED', 'task.failed', 'ants', { attempts: input.maxAttempts, reasons });
    throw ApplicationFailure.nonRetryable(`task failed verification after ${input.maxAttempts} attempt(s): ${reasons}`, 'VerificationFailed');
  }
  const attempts = view.attempt;

  if (input.review) {
    moveTo('review');
    view.consensusScore = await peerReview({ ...input, review: input.review }, { plan, verification: verified.report, impact: verified.impact, effects: verified.effects });
  }
  const escalationInput = {
    confidence: plan.confidence,
    impact: verified.impact,
    policyRequiresApproval: perceived.policyRequiresApproval || input.requireApproval,
    similarEpisodes: context.similarEpisodes.length,
    ...(view.consensusScore !== undefined ? { consensusScore: view.consensusScore } : {}),
  };
  // The tenant's delegation mode for this agent type, and the threshold people's past decisions earned it.
  const policy = await decisions.readDecisionPolicy.executeWithOptions({ ...DECISION_STEP, summary: 'Read the delegation mode' }, [
    { tenant: task.tenant, agentType: task.agentType },
  ]);
  const thresholds = { ...ESCALATION_THRESHOLDS, minConfidence: policy.minConfidence };
  const escalation = shouldEscalate(escalationInput, thresholds);
  const involvement = humanInvolvement(
    policy.delegation,
    { reasons: escalation.reasons, described: escalation.reasons.map((r) => describeEscalation(r, escalationInput, thresholds)) },
    verified.effects,
  );
  const escalationReasons = involvement.kind === 'none' ? [] : involvement.reasons;
  const askHuman = (reasons: string[], windowMs: number, safeDefault: Decision): Promise<ApprovalRecord> => {
    const requestedAt = new Date();
    const pending: PendingApproval = {
      reasons,
      requestedAt: requestedAt.toISOString(),
      deadline: new Date(requestedAt.getTime() + windowMs).toISOString(),
      impact: verified.impact,
      confidence: plan.confidence,
      effects: verified.effects,
    };
    return askForTask(humans, { input, plan, verified, pending, windowMs, safeDefault }, () => {
      view.pendingApproval = pending;
      moveTo('awaiting_approval', 'AWAITING_APPROVAL');
    }).then((record) => {
      view.approval = record;
      view.pendingApproval = undefined;
      return record;
    });
  };
  if (involvement.kind === 'approve_before') {
    // The safe default before anything is applied: reject.
    decision = await askHuman(involvement.reasons, input.approvalTimeoutMs, 'reject');
    if (decision.decision === 'reject') {
      moveTo('learn', 'RUNNING');
      await learn(plan, outputs, 'rejected', verified.impact);
      await settle('REJECTED', 'task.rejected', decision.approverId, { reason: decision.reason });
      return { status: 'REJECTED', attempts, plan, outputs, verification: verified.report, approval: decision, appliedEffects: [], escalationReasons };
    }
    moveTo('commit', 'RUNNING');
  }

  moveTo('commit');
  const effects = await integrations.applyEffects.executeWithOptions(
    { ...INTEGRATIONS_STEP, summary: `Apply ${verified.effects.length} effect(s)` },
    [{ task, effects: verified.effects }],
  );
  if (involvement.kind === 'notify_after') {
    // Human on the loop: the agent acted; a person may revert within the window, and silence keeps the result.
    const review = (decision = await askHuman([...involvement.reasons, 'applied already: reject reverts the effects'], involvement.revertWindowMs, 'approve'));
    moveTo('commit', 'RUNNING');
    if (review.decision === 'reject') {
      await decisions.revertEffects.executeWithOptions({ ...DECISION_STEP, summary: 'Revert the applied effects' }, [
        { tenant: task.tenant, taskId: task.taskId, workflowId, effects: verified.effects, revertedBy: review.approverId },
      ]);
      moveTo('learn', 'RUNNING');
      await learn(plan, outputs, 'rejected', verified.impact);
      await settle('REJECTED', 'task.rejected', review.approverId, { reason: review.reason, reverted: true });
      return { status: 'REJECTED', attempts, plan, outputs, verification: verified.report, approval: review, appliedEffects: [], escalationReasons };
    }
  }
  moveTo('learn');
  await learn(plan, outputs, 'completed', verified.impact);
  const appliedEffects = [...effects.applied, ...effects.alreadyApplied];
  await settle('COMPLETED', 'task.completed', 'ants', { attempts, effects: appliedEffects });
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
