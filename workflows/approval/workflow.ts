import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { DecisionsActivities } from '../../activities/decisions/activities.js';
import { adoptedOption, checkApprovalAttempt, refusalMessage, type ApprovalRefusal } from '../../core/decisions/approval.js';
import { decisionMemoryText } from '../../core/decisions/feedback.js';
import { escalationChain, statusOf, type ApprovalOutcome, type ApprovalTier, type ApprovalView, type ApprovalWorkflowInput } from '../../core/decisions/requests.js';
import type { ApprovalDecisionInput, ApprovalRecord, Decision } from '../../core/tasks/task.js';
import { DECISION_STEP } from './activity-options.js';
import {
  approvalAnswerSignal,
  approvalStatusQuery,
  approvalTierChangedSignal,
  approveSignal,
  decideUpdate,
  rejectSignal,
  relayDecisionSignal,
  type RelayAnswer,
} from './messages.js';
import { decisionMemoryWorkflow, decisionMemoryWorkflowId } from './remember.js';
import { approvalSearchAttributes, approvalStatusAttribute } from './search-attributes.js';

const decisions = proxyLocalActivities<DecisionsActivities>(DECISION_STEP);

/**
 * One human decision, whoever asked for it (a task, a consensus round, a threat response, a policy). It waits at
 * each tier of the tenant's escalation chain for that tier's window; when the last tier runs out, the request's safe
 * default applies. Nothing waits forever, and every request, refusal, escalation and decision is audited.
 */
export async function approvalWorkflow(input: ApprovalWorkflowInput): Promise<ApprovalOutcome> {
  const workflowId = workflowInfo().workflowId;
  const requestedAt = new Date();
  upsertSearchAttributes(approvalSearchAttributes(input));
  const chain = escalationChain(input.timeoutMs, await decisions.loadApprovalTiers.executeWithOptions({ ...DECISION_STEP, summary: 'Load the escalation chain' }, [{ tenant: input.tenant }]));
  let tier = 0;
  let deadline = new Date(requestedAt.getTime() + currentTier().timeoutMs);
  let record: ApprovalRecord | undefined;
  let refusals = 0;
  const view: ApprovalView = {
    approvalId: input.approvalId,
    tenant: input.tenant,
    subject: input.subject,
    status: 'pending',
    severity: input.severity,
    tier,
    tierName: currentTier().name,
    deadline: deadline.toISOString(),
  };

  function currentTier(): ApprovalTier {
    const found = chain[tier];
    if (!found) throw new Error(`tier ${tier} is outside the escalation chain`);
    return found;
  }

  const check = (attempt: ApprovalDecisionInput, decision: Decision): ApprovalRefusal | undefined =>
    checkApprovalAttempt(attempt, {
      waiting: record === undefined,
      requestedBy: input.requestedBy,
      subject: input.subject.kind === 'task' ? 'task' : 'request',
      tier: currentTier(),
      decision,
      options: input.options,
    });

  const accept = (choice: Decision, attempt: ApprovalDecisionInput, via: ApprovalRecord['via']): ApprovalRecord => {
    const option = adoptedOption(choice, attempt, input.options);
    record = { decision: choice, approverId: attempt.approverId, comment: attempt.comment, reason: 'human', via, at: new Date().toISOString(), ...(option ? { option } : {}) };
    return record;
  };

  const answer = async (attemptId: string | undefined, reply: Omit<RelayAnswer, 'attemptId'>) => {
    if (!attemptId || !input.replyTo) return;
    await getExternalWorkflowHandle(input.replyTo).signal(approvalAnswerSignal, { attemptId, ...reply });
  };

  const attemptDecision = async (choice: Decision, attempt: ApprovalDecisionInput, via: 'signal' | 'update', attemptId?: string) => {
    const refusal = check(attempt, choice);
    if (!refusal) {
      await answer(attemptId, { record: accept(choice, attempt, via) });
      return;
    }
    // A signal cannot be refused to its sender, so the refusal is recorded where people look for it.
    refusals += 1;
    await decisions.recordApprovalRefusal.executeWithOptions({ ...DECISION_STEP, summary: `Record a refused ${choice}` }, [
      { request: input, workflowId, approverId: attempt.approverId, via, decision: choice, reason: refusal.message, sequence: refusals },
    ]);
    await answer(attemptId, { refusal: refusalMessage(refusal) });
  };

  setHandler(approveSignal, (attempt) => attemptDecision('approve', attempt, 'signal'));
  setHandler(rejectSignal, (attempt) => attemptDecision('reject', attempt, 'signal'));
  setHandler(relayDecisionSignal, (relayed) => attemptDecision(relayed.decision, relayed, relayed.via, relayed.attemptId));
  setHandler(decideUpdate, (attempt) => accept(attempt.decision, attempt, 'update'), {
    validator: (attempt) => {
      const refusal = check(attempt, attempt.decision);
      if (refusal) throw new Error(refusalMessage(refusal));
    },
  });
  setHandler(approvalStatusQuery, () => view);

  const describe = () =>
    setCurrentDetails(`**${view.status.toUpperCase()}** · ${input.severity} · tier ${view.tierName}${currentTier().group ? ` (group ${currentTier().group})` : ''} · until ${view.deadline}\n\n${input.title}`);
  describe();
  await decisions.openApprovalRequest.executeWithOptions({ ...DECISION_STEP, summary: `Open the request: ${input.title.slice(0, 80)}` }, [
    { request: input, workflowId, tier: currentTier(), requestedAt: requestedAt.toISOString(), deadline: view.deadline },
  ]);

  for (;;) {
    if (await condition(() => record !== undefined, Math.max(1, deadline.getTime() - Date.now()))) break;
    if (tier + 1 >= chain.length) break;
    tier += 1;
    deadline = new Date(Date.now() + currentTier().timeoutMs);
    Object.assign(view, { tier, tierName: currentTier().name, deadline: deadline.toISOString() });
    describe();
    await Promise.all([
      decisions.escalateApprovalTier.executeWithOptions({ ...DECISION_STEP, summary: `Escalate to tier ${currentTier().name}` }, [
        { request: input, workflowId, tier, tierSpec: currentTier(), deadline: view.deadline },
      ]),
      tellRequester({ tier, tierName: view.tierName, deadline: view.deadline }),
    ]);
  }
  // The safe default: what the requester said is harmless when nobody decided in time.
  const decided = record ?? { decision: input.safeDefault, approverId: 'system', comment: 'no decision before the deadline', reason: 'timeout', via: 'timer', at: new Date().toISOString() };
  const outcome: ApprovalOutcome = { record: decided, tier, tierName: currentTier().name, status: statusOf(decided) };
  view.status = outcome.status;
  view.outcome = outcome;
  upsertSearchAttributes([approvalStatusAttribute(outcome.status)]);
  describe();
  // The decision's record (inbox row, audit, feedback) and the start of its memory note are independent: side by side.
  await Promise.all([
    decisions.closeApprovalRequest.executeWithOptions({ ...DECISION_STEP, summary: `Record the decision: ${outcome.status}` }, [{ request: input, workflowId, outcome }]),
    rememberDecision(decided),
  ]);
  await condition(allHandlersFinished);
  return outcome;

  async function tellRequester(change: { tier: number; tierName: string; deadline: string }): Promise<void> {
    if (!input.replyTo) return;
    // A requester that is gone has nobody to show the deadline to; the escalation itself stands.
    await getExternalWorkflowHandle(input.replyTo)
      .signal(approvalTierChangedSignal, change)
      .catch((error: unknown) => log.warn('could not tell the requester about the escalation', { replyTo: input.replyTo, error: String(error) }));
  }

  /**
   * A person's decision becomes a semantic memory note of the tenant, keyed on the request (one note workflow per
   * request id, and one row per source key, so a retry or a second run writes one). It runs on after this workflow
   * returns: the requester resumes without waiting for the embedding. A task's decision is left to the task's Learn
   * step, which files the comment with the episode.
   */
  async function rememberDecision(decision: ApprovalRecord): Promise<void> {
    if (decision.reason !== 'human' || input.subject.kind === 'task') return;
    const content = decisionMemoryText({ subjectKind: input.subject.kind, title: input.title, proposed: input.options?.proposed }, decision);
    await startChild(decisionMemoryWorkflow, {
      workflowId: decisionMemoryWorkflowId(input.tenant, input.approvalId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [
        {
          kind: 'semantic',
          tenant: input.tenant,
          agentId: 'ants.decisions',
          agentType: input.agentType ?? input.subject.kind,
          sourceKey: `approval:${input.approvalId}:decision`,
          content,
          metadata: {
            source: 'human',
            approvalId: input.approvalId,
            subjectKind: input.subject.kind,
            subjectId: input.subject.id,
            decision: decision.decision,
            option: decision.option ?? null,
            proposed: input.options?.proposed ?? null,
            comment: decision.comment ?? null,
          },
        },
      ],
    })
      // Already started for this request (e.g. a second run of the same request): its note exists or is on its way.
      .catch((error: unknown) => log.info('the decision’s memory note was already started', { approvalId: input.approvalId, error: String(error) }));
  }
}
