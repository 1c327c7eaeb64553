import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TaskStatusView } from '../../core/tasks/task.js';

/**
 * The messages `taskWorkflow` answers. Signals carry a human decision from anywhere a signal can be sent (the
 * Temporal Web UI, `temporal workflow signal --name approve --input '{"approverId":"alice"}'`); the update does the
 * same synchronously, with a validator, for the API. They are the approval workflow's own messages: the task passes
 * each decision on to the `approvalWorkflow` child that holds its request.
 */
export { approveSignal, decideUpdate, rejectSignal, type DecideUpdateInput } from '../approval/messages.js';

export const statusQuery = defineQuery<TaskStatusView>('status');

/** The task's ordered session says it is this task's turn (see workflows/session). */
export const turnSignal = defineSignal('turn');
