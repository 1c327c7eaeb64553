import {
  CancellationScope,
  allHandlersFinished,
  condition,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DecisionsActivities } from '../../activities/decisions/activities.js';
import { escalationReasons, escalationSeverity, scoreConsensus, voterId, type Vote, type VoterFailure } from '../../core/decisions/consensus.js';
import { approvalId, approvalWorkflowId } from '../../core/decisions/requests.js';
import type { ConsensusResult, ConsensusView, ConsensusWorkflowInput } from '../../core/decisions/rounds.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { DECISION_STEP } from '../approval/activity-options.js';
import { approvalWorkflow } from '../approval/workflow.js';
import { AntsStatus, AntsTenant } from '../task/search-attributes.js';
import { consensusStatusQuery } from './messages.js';

const decisions = proxyLocalActivities<DecisionsActivities>(DECISION_STEP);

/**
 * A consensus round: every voter votes in parallel (an activity each), the round counts what arrived before its
 * timeout (late or failed voters never hold it up), and decides when the confidence-weighted score reaches the
 * threshold with a quorum. Otherwise a person decides in the shared approvalWorkflow, with the votes, rationales
 * and dissent as context, and may adopt any of the options. Every vote and the outcome are audited.
 */
export async function consensusWorkflow(input: ConsensusWorkflowInput): Promise<ConsensusResult> {
  const workflowId = workflowInfo().workflowId;
  const round = { tenant: input.tenant, roundId: input.roundId, workflowId };
  const view: ConsensusView = { tenant: input.tenant, roundId: input.roundId, question: input.question, status: 'voting', votes: [], failures: [], reasons: [] };
  setHandler(consensusStatusQuery, () => view);
  const setStatus = (status: ConsensusView['status']) => {
    view.status = status;
    upsertSearchAttributes([{ key: AntsStatus, value: status.toUpperCase() }]);
    setCurrentDetails(`**${status}** · ${view.votes.length}/${input.voters.length} vote(s)\n\n${input.question}`);
  };
  upsertSearchAttributes([{ key: AntsTenant, value: input.tenant }]);
  setStatus('voting');

  const agentTypes = input.voters.flatMap((v) => (v.kind === 'agent' ? [v.agentType] : []));
  const leader = input.leaderTieBreak
    ? ((await decisions.electLeader.executeWithOptions({ ...DECISION_STEP, summary: 'Elect the lead agent from success history' }, [{ tenant: input.tenant, agentTypes, taskType: input.taskType }])) ?? undefined)
    : undefined;
  view.leader = leader;

  // A vote is retried within the round's window; a voter whose answer is no option is not asked again.
  const voteOptions = {
    taskQueue: TASK_QUEUES.workflows,
    startToCloseTimeout: input.voteTimeoutMs,
    retry: { initialInterval: '500ms', maximumAttempts: 3, nonRetryableErrorTypes: ['InvalidVote'] },
  };
  const voting = proxyActivities<DecisionsActivities>(voteOptions);
  let counting = true;
  await CancellationScope.cancellable(async () => {
    const ballots = input.voters.map((voter) =>
      voting.castVote
        .executeWithOptions(
          { ...voteOptions, summary: `Vote: ${voterId(voter)}` },
          [{ tenant: input.tenant, roundId: input.roundId, question: input.question, options: input.options, context: input.context, voter }],
        )
        .then(
          (vote) => {
            if (counting) view.votes.push(vote);
          },
          (error: unknown) => {
            if (counting && !isCancellation(error)) view.failures.push({ voter: voterId(voter), reason: 'failed', message: failureMessage(error) });
          },
        ),
    );
    await Promise.race([Promise.all(ballots), sleep(input.voteTimeoutMs)]);
    // Whoever has not answered now is late: the round goes on without them.
    for (const voter of input.voters.map(voterId)) {
      if (!view.votes.some((v) => v.voter === voter) && !view.failures.some((f) => f.voter === voter)) view.failures.push({ voter, reason: 'late', message: `no vote within ${input.voteTimeoutMs} ms` });
    }
    counting = false;
    CancellationScope.current().cancel();
  });
  const votes: Vote[] = [...view.votes];
  const failures: VoterFailure[] = [...view.failures];
  await decisions.recordVotes.executeWithOptions({ ...DECISION_STEP, summary: `Record ${votes.length} vote(s), ${failures.length} missing` }, [{ round, votes, failures }]);

  const rules = { minAgreement: input.minAgreement, quorum: input.quorum, leader };
  const { dissent, ...score } = scoreConsensus(votes, input.options, rules);
  view.score = score;
  view.reasons = score.decided ? [] : escalationReasons({ ...score, dissent }, rules, failures);

  let status: ConsensusResult['status'];
  let actor = 'ants';
  if (score.decided) {
    view.decision = score.leading;
    status = 'decided';
  } else if (input.onNoDecision === 'report') {
    status = 'no_decision';
  } else {
    setStatus('awaiting_human');
    const id = approvalId({ kind: 'consensus', id: input.roundId });
    view.approvalId = id;
    const proposal = score.leading;
    const outcome = await executeChild(approvalWorkflow, {
      workflowId: approvalWorkflowId(input.tenant, id),
      args: [
        {
          tenant: input.tenant,
          approvalId: id,
          subject: { kind: 'consensus', id: input.roundId },
          title: `Consensus needed: ${input.question}`.slice(0, 300),
          severity: escalationSeverity(input.severity, { ...score, dissent }),
          requestedBy: input.requestedBy,
          context: {
            summary: `${votes.length} of ${input.voters.length} voter(s) voted; score ${score.score.toFixed(2)} for ${proposal ?? 'no option'}; ${dissent.length} dissenting`,
            reasons: view.reasons,
            details: roundDetails(input, votes, failures, dissent, score.support, leader),
          },
          proposal: { option: proposal ?? null, score: score.score },
          // The person may adopt any option, not only the leading one; approving without a pick adopts the proposal.
          options: { ids: input.options.map((o) => o.id), ...(proposal !== undefined ? { proposed: proposal } : {}) },
          timeoutMs: input.approvalTimeoutMs,
          // Without a person, the swarm does not act on a split decision.
          safeDefault: 'reject',
        },
      ],
    });
    view.approval = outcome.record;
    actor = outcome.record.approverId;
    const adopted = outcome.record.decision === 'approve' ? outcome.record.option : undefined;
    const approved = adopted !== undefined;
    view.decision = adopted;
    status = approved ? 'escalated_approved' : 'escalated_rejected';
  }
  await decisions.recordConsensusOutcome.executeWithOptions({ ...DECISION_STEP, summary: `Record the outcome: ${status}` }, [
    {
      round,
      outcome: {
        question: input.question,
        options: input.options,
        status,
        decision: view.decision ?? null,
        score: score.score,
        quorumReached: score.quorumReached,
        expected: input.expected ?? null,
        summary: { votes: votes.length, failures: failures.length, leader: leader ?? null, reasons: view.reasons, pairwiseAgreement: score.pairwiseAgreement },
        actor,
      },
    },
  ]);
  setStatus(status);
  await condition(allHandlersFinished);
  return { ...view, status, dissent };
}

function failureMessage(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

function roundDetails(
  input: ConsensusWorkflowInput,
  votes: Vote[],
  failures: VoterFailure[],
  dissent: Vote[],
  support: Array<{ option: string; votes: number; weight: number }>,
  leader: string | undefined,
): JsonObject {
  const vote = (v: Vote): JsonObject => ({ voter: v.voter, choice: v.choice, confidence: v.confidence, rationale: v.rationale });
  return {
    question: input.question,
    options: input.options.map((o) => ({ id: o.id, label: o.label })),
    votes: votes.map(vote),
    dissent: dissent.map(vote),
    missing: failures.map((f) => ({ voter: f.voter, reason: f.reason, message: f.message })),
    support: support.map((s) => ({ option: s.option, votes: s.votes, weight: Math.round(s.weight * 100) / 100 })),
    leader: leader ?? null,
  };
}
