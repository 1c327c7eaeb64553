import { ApplicationFailure, condition, setHandler, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import { checkApprovalAttempt, refusalMessage } from '../../core/decisions/approval.js';
import { approvalWorkflowId, type ApprovalOutcome, type ApprovalTierChange, type ApprovalWorkflowInput } from '../../core/decisions/requests.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { ApprovalDecisionInput, Decision } from '../../core/tasks/task.js';
import { approvalAnswerSignal, approvalTierChangedSignal, approveSignal, decideUpdate, rejectSignal, relayDecisionSignal, type RelayAnswer } from './messages.js';
import { approvalWorkflow } from './workflow.js';

export interface HumanGate {
  /** True while a request is open and undecided. */
  readonly waiting: boolean;
  /** Starts the `approvalWorkflow` child for this request and waits for its outcome; `onTierChange` hears escalations. */
  ask(request: Omit<ApprovalWorkflowInput, 'replyTo'>, whenOpen: () => void, onTierChange?: (change: ApprovalTierChange) => void): Promise<ApprovalOutcome>;
}

export interface HumanGateOptions {
  workflowId: string;
  requestedBy: string;
  /** Appends a refusal the requester saw itself (nothing pending, or the submitter deciding their own request). */
  auditRefusal(approverId: string, details: JsonObject, sequence: number): Promise<void>;
}

/**
 * The requester's side of a human decision: the workflow keeps answering `approve`/`reject` (signals) and `decide`
 * (update, with a validator) on its own id, and passes each decision to the shared `approvalWorkflow`, which judges
 * it against the current tier and records it. The update waits for that verdict, so its caller gets the recorded
 * decision or the refusal, exactly as if it had called the approval workflow itself.
 */
export function registerHumanGate(options: HumanGateOptions): HumanGate {
  let child: ChildWorkflowHandle<typeof approvalWorkflow> | undefined;
  let closed = false;
  let refusals = 0;
  let relays = 0;
  const answers = new Map<string, RelayAnswer>();
  let tierListener: ((change: ApprovalTierChange) => void) | undefined;
  const waiting = () => child !== undefined && !closed;
  const localRefusal = (attempt: ApprovalDecisionInput) => checkApprovalAttempt(attempt, { waiting: waiting(), requestedBy: options.requestedBy });

  const onSignal = (decision: Decision) => async (attempt: ApprovalDecisionInput) => {
    const refusal = localRefusal(attempt);
    if (refusal || !child) {
      // A signal cannot be refused to its sender, so the refusal is recorded where people will look for it.
      refusals += 1;
      await options.auditRefusal(attempt.approverId || 'unknown', { via: 'signal', decision, reason: refusal?.message ?? 'nothing is pending' }, refusals);
      return;
    }
    const relayed = await child.signal(relayDecisionSignal, { ...attempt, decision, via: 'signal' }).then(
      () => true,
      () => false,
    );
    if (!relayed) {
      refusals += 1;
      await options.auditRefusal(attempt.approverId || 'unknown', { via: 'signal', decision, reason: 'the request closed before this decision arrived' }, refusals);
    }
  };
  setHandler(approveSignal, onSignal('approve'));
  setHandler(rejectSignal, onSignal('reject'));
  setHandler(approvalAnswerSignal, (answer) => {
    answers.set(answer.attemptId, answer);
  });
  setHandler(approvalTierChangedSignal, (change) => {
    if (waiting()) tierListener?.(change);
  });
  setHandler(
    decideUpdate,
    async (attempt) => {
      if (!child) throw ApplicationFailure.nonRetryable('not_waiting: nothing is pending');
      relays += 1;
      const attemptId = `${options.workflowId}:${relays}`;
      // The request may close between the validator and this relay (a decision just landed): that is "not waiting".
      const relayed = await child.signal(relayDecisionSignal, { ...attempt, via: 'update', attemptId }).then(
        () => true,
        () => false,
      );
      if (!relayed) throw ApplicationFailure.nonRetryable('not_waiting: the request closed before this decision arrived');
      await condition(() => answers.has(attemptId) || closed);
      const answer = answers.get(attemptId);
      if (answer?.record) return answer.record;
      throw ApplicationFailure.nonRetryable(answer?.refusal ?? 'not_waiting: the request closed before this decision arrived');
    },
    {
      validator: (attempt) => {
        const refusal = localRefusal(attempt);
        if (refusal) throw new Error(refusalMessage(refusal));
      },
    },
  );

  return {
    get waiting() {
      return waiting();
    },
    async ask(request, whenOpen, onTierChange) {
      closed = false;
      tierListener = onTierChange;
      child = await startChild(approvalWorkflow, {
        workflowId: approvalWorkflowId(request.tenant, request.approvalId),
        args: [{ ...request, replyTo: options.workflowId }],
      });
      whenOpen();
      try {
        return await child.result();
      } finally {
        closed = true;
      }
    },
  };
}
