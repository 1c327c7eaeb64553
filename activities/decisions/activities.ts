import { Context } from '@temporalio/activity';
import { electLeader } from '../../core/decisions/consensus.js';
import type { Db } from '../../infra/db/pool.js';
import {
  closeApprovalRequest,
  escalateApprovalTier,
  loadApprovalTiers,
  openApprovalRequest,
  recordApprovalRefusal,
  type CloseRequest,
  type EscalateTier,
  type OpenRequest,
} from './approvals.js';
import { leaderHistory, recordConsensusOutcome, recordVotes, type RoundOutcome, type RoundRef } from './consensus.js';
import { readDecisionPolicy } from './policy.js';
import { revertEffects, type RevertRequest } from './revert.js';
import { modelVote, playbookVote, type ModelEndpoint, type VoteRequest } from './voters.js';
import type { Vote, VoterFailure } from '../../core/decisions/consensus.js';
import type { ApprovalWorkflowInput } from '../../core/decisions/requests.js';

export interface DecisionsDeps {
  db: Db;
  /** Where model voters are asked; absent: only agent (playbook) voters can vote. */
  modelEndpoint?: ModelEndpoint;
  fetchImpl?: typeof fetch;
}

/** Approval requests, delegation policy, feedback and consensus rounds: the side effects of human decisions. */
export function createDecisionsActivities({ db, modelEndpoint, fetchImpl }: DecisionsDeps) {
  return {
    async openApprovalRequest(input: OpenRequest): Promise<void> {
      await openApprovalRequest(db, input);
    },
    async escalateApprovalTier(input: EscalateTier): Promise<void> {
      await escalateApprovalTier(db, input);
    },
    async closeApprovalRequest(input: CloseRequest): Promise<void> {
      await closeApprovalRequest(db, input);
    },
    async recordApprovalRefusal(input: { request: ApprovalWorkflowInput; workflowId: string; approverId: string; via: string; decision: string; reason: string; sequence: number }): Promise<void> {
      await recordApprovalRefusal(db, input);
    },
    loadApprovalTiers: (input: { tenant: string }) => loadApprovalTiers(db, input.tenant),
    readDecisionPolicy: (input: { tenant: string; agentType: string }) => readDecisionPolicy(db, input.tenant, input.agentType),
    revertEffects: (input: RevertRequest) => revertEffects(db, input),
    async electLeader(input: { tenant: string; agentTypes: string[]; taskType?: string }): Promise<string | null> {
      return electLeader(await leaderHistory(db, input.tenant, input.agentTypes, input.taskType)) ?? null;
    },
    async castVote(request: VoteRequest): Promise<Vote> {
      const { voter } = request;
      if (voter.kind === 'agent') return playbookVote({ ...request, voter });
      // Heartbeats carry the round's cancellation to a slow model call once the round has moved on.
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), 1000);
      try {
        return await modelVote(modelEndpoint, { ...request, voter }, context.cancellationSignal, fetchImpl);
      } finally {
        clearInterval(beat);
      }
    },
    async recordVotes(input: { round: RoundRef; votes: Vote[]; failures: VoterFailure[] }): Promise<void> {
      await recordVotes(db, input.round, input.votes, input.failures);
    },
    async recordConsensusOutcome(input: { round: RoundRef; outcome: RoundOutcome }): Promise<void> {
      await recordConsensusOutcome(db, input.round, input.outcome);
    },
  };
}
export type DecisionsActivities = ReturnType<typeof createDecisionsActivities>;
