import { condition, setHandler } from '@temporalio/workflow';
import type { ApprovalDecisionInput } from '../../core/tasks/task.js';
import { approveSignal } from '../../workflows/approval/messages.js';

/**
 * The floor: a workflow that only waits for the same `approve` signal and returns it, with the workflow time it resumed
 * at (the start of the workflow task that delivered the signal), as approvalWorkflow's decision record does.
 */
export async function bareApprovalWorkflow(): Promise<{ decision: ApprovalDecisionInput; at: string }> {
  let decision: ApprovalDecisionInput | undefined;
  setHandler(approveSignal, (attempt) => {
    decision = attempt;
  });
  await condition(() => decision !== undefined);
  return { decision: decision as ApprovalDecisionInput, at: new Date().toISOString() };
}
