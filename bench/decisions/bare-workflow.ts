import { condition, setHandler } from '@temporalio/workflow';
import type { ApprovalDecisionInput } from '../../core/tasks/task.js';
import { approveSignal } from '../../workflows/approval/messages.js';

/** The floor: a workflow that only waits for the same `approve` signal and returns it. */
export async function bareApprovalWorkflow(): Promise<ApprovalDecisionInput> {
  let decision: ApprovalDecisionInput | undefined;
  setHandler(approveSignal, (attempt) => {
    decision = attempt;
  });
  await condition(() => decision !== undefined);
  return decision as ApprovalDecisionInput;
}
