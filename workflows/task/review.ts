import { executeChild } from '@temporalio/workflow';
import { consensusWorkflowId } from '../../core/decisions/rounds.js';
import { applySupport, reviewRound, reviewRoundId, type TaskReview } from '../../core/tasks/review.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import { consensusWorkflow } from '../consensus/workflow.js';

type Found = Parameters<typeof reviewRound>[1];

/**
 * The task's peer review as a child consensus round (its own workflow in the Web UI, its votes audited like any
 * round's). The round never asks a person itself: its score comes back and the task's escalation decides.
 */
export async function peerReview(input: TaskWorkflowInput & { review: TaskReview }, found: Found): Promise<number> {
  const round = reviewRound(input, found);
  const result = await executeChild(consensusWorkflow, {
    workflowId: consensusWorkflowId(input.tenant, reviewRoundId(input.taskId)),
    args: [round],
    staticSummary: `Peer review · ${round.question.slice(0, 120)}`,
  });
  return applySupport(result);
}
