import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecisionInput, ApprovalRecord, Decision, TaskStatusView } from '../../core/tasks/task.js';

/**
 * The messages `taskWorkflow` answers. Signals carry a human decision from anywhere a signal can be sent (the
 * Temporal Web UI, `temporal workflow signal --name approve --input '{"approverId":"alice"}'`); the update does the
 * same synchronously, with a validator, for the API.
 */
export const approveSignal = defineSignal<[ApprovalDecisionInput]>('approve');
export const rejectSignal = defineSignal<[ApprovalDecisionInput]>('reject');

export interface DecideUpdateInput extends ApprovalDecisionInput {
  decision: Decision;
}
export const decideUpdate = defineUpdate<ApprovalRecord, [DecideUpdateInput]>('decide');

export const statusQuery = defineQuery<TaskStatusView>('status');
