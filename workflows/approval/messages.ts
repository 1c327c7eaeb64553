import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalTierChange, ApprovalView } from '../../core/decisions/requests.js';
import type { ApprovalDecisionInput, ApprovalRecord, Decision } from '../../core/tasks/task.js';

/**
 * The messages of `approvalWorkflow`. The same names as on a task (`approve`, `reject`, `decide`), so a person
 * decides the same way whether they hold the task's id or the request's: a signal from the Temporal Web UI or
 * `temporal workflow signal --name approve --input '{"approverId":"alice"}'`, or the update (with a validator) from
 * the API. On a request with options (an escalated consensus round) `option` picks any of them (`{"approverId":
 * "alice","option":"monitor"}`); approving without one adopts the agents' proposal.
 */
export const approveSignal = defineSignal<[ApprovalDecisionInput]>('approve');
export const rejectSignal = defineSignal<[ApprovalDecisionInput]>('reject');

export interface DecideUpdateInput extends ApprovalDecisionInput {
  decision: Decision;
}
export const decideUpdate = defineUpdate<ApprovalRecord, [DecideUpdateInput]>('decide');

/**
 * A decision a requesting workflow received on its own messages and passes on. With an `attemptId`, the requester
 * waits for `approvalAnswer` to learn whether it was recorded (that is how a task's `decide` update gets its answer).
 */
export interface RelayedDecision extends DecideUpdateInput {
  via: 'signal' | 'update';
  attemptId?: string;
}
export const relayDecisionSignal = defineSignal<[RelayedDecision]>('relayDecision');

export interface RelayAnswer {
  attemptId: string;
  record?: ApprovalRecord;
  /** `kind: message`, as the update validator would have refused it. */
  refusal?: string;
}
export const approvalAnswerSignal = defineSignal<[RelayAnswer]>('approvalAnswer');

/** Sent to the requester when its request moves to a later tier, so its own status shows the current deadline. */
export const approvalTierChangedSignal = defineSignal<[ApprovalTierChange]>('approvalTierChanged');

export const approvalStatusQuery = defineQuery<ApprovalView>('status');
