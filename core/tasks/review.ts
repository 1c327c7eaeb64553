import { defaultQuorum, type ConsensusOption, type VoterSpec } from '../decisions/consensus.js';
import { ESCALATION_THRESHOLDS } from '../decisions/escalation.js';
import type { ConsensusView, ConsensusWorkflowInput } from '../decisions/rounds.js';
import type { VerificationReport } from './acceptance.js';
import type { Impact, Plan, ProposedEffect, TaskWorkflowInput } from './task.js';

/*
 * A task's peer review: before its effects apply, the peers the submitter named vote on them in a consensus round,
 * and the share of confidence behind "apply" is the consensus score the escalation rules check (below 0.75, a person
 * decides). Pure: the workflow runs the round as a child and hands its result back here.
 */

/** What the submitter asked for, as the workflow carries it. */
export interface TaskReview {
  voters: VoterSpec[];
  voteTimeoutMs: number;
}

export const REVIEW_OPTIONS: readonly ConsensusOption[] = [
  { id: 'apply', label: 'Apply the proposed effects', description: 'the plan, its tool results and their verification hold up' },
  { id: 'hold', label: 'Hold them for a person', description: 'something in the plan, the results or the effects looks wrong' },
];

/** Room the voters get for the task's facts (the round's context), so a huge input cannot swell the history. */
const CONTEXT_LIMIT = 20_000;

export function reviewRoundId(taskId: string): string {
  return `task.${taskId}.review`;
}

export function reviewRound(input: TaskWorkflowInput & { review: TaskReview }, found: { plan: Plan; verification: VerificationReport; impact: Impact; effects: ProposedEffect[] }): ConsensusWorkflowInput {
  const facts = JSON.stringify({
    task: { agentType: input.agentType, taskType: input.taskType, priority: input.priority },
    plan: { procedure: found.plan.procedure, steps: found.plan.steps.map((s) => s.tool), confidence: found.plan.confidence, rationale: found.plan.rationale },
    verification: found.verification,
    impact: found.impact,
    effects: found.effects,
    input: input.input,
  });
  return {
    tenant: input.tenant,
    roundId: reviewRoundId(input.taskId),
    question: `Apply the ${found.effects.length} effect(s) ${input.agentType} proposes for task ${input.taskId} (${input.taskType})?`,
    context: facts.length > CONTEXT_LIMIT ? `${facts.slice(0, CONTEXT_LIMIT)}…` : facts,
    options: [...REVIEW_OPTIONS],
    voters: input.review.voters,
    minAgreement: ESCALATION_THRESHOLDS.minConsensusScore,
    quorum: defaultQuorum(input.review.voters.length),
    voteTimeoutMs: input.review.voteTimeoutMs,
    leaderTieBreak: false,
    taskType: input.taskType,
    severity: found.impact,
    approvalTimeoutMs: input.approvalTimeoutMs,
    requestedBy: input.requestedBy,
    onNoDecision: 'report',
  };
}

/** The share of the votes' confidence behind applying (0 when nobody voted: silence is no approval). */
export function applySupport(round: Pick<ConsensusView, 'score'>): number {
  const support = round.score?.support ?? [];
  const total = support.reduce((sum, option) => sum + option.weight, 0);
  const apply = support.find((option) => option.option === 'apply')?.weight ?? 0;
  return total > 0 ? Math.round((apply / total) * 10_000) / 10_000 : 0;
}
