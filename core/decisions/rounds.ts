import type { ApprovalRecord, Impact } from '../tasks/task.js';
import type { ConsensusOption, ConsensusScore, Vote, VoterFailure, VoterSpec } from './consensus.js';

/** What `POST /v1/consensus` hands to `consensusWorkflow`; validated at the edge. */
export interface ConsensusWorkflowInput {
  tenant: string;
  roundId: string;
  question: string;
  /** Background the voters (and, on escalation, the person) read. */
  context: string;
  options: ConsensusOption[];
  voters: VoterSpec[];
  minAgreement: number;
  quorum: number;
  /** How long votes are collected; a voter still busy then counts as late. */
  voteTimeoutMs: number;
  /** Let the lead agent's vote break a tie (the lead is chosen from success history). */
  leaderTieBreak: boolean;
  /** The task type whose history picks the lead agent (all task types when absent). */
  taskType?: string;
  severity: Impact;
  approvalTimeoutMs: number;
  requestedBy: string;
  /** The right answer, for rounds of a labelled benchmark set: the metrics report accuracy against it. */
  expected?: string;
  /**
   * Without agreement a person decides in the round (`ask_person`, the default), or the round ends `no_decision` and
   * its caller decides what that means — a task's peer review folds it into the task's own escalation.
   */
  onNoDecision?: 'ask_person' | 'report';
}

export const CONSENSUS_STATUSES = ['voting', 'awaiting_human', 'decided', 'escalated_approved', 'escalated_rejected', 'no_decision'] as const;
/** `no_decision`: the round did not agree and its caller (not a person of the round's own) acts on that. */
export type ConsensusStatus = (typeof CONSENSUS_STATUSES)[number];

export interface ConsensusView {
  tenant: string;
  roundId: string;
  question: string;
  status: ConsensusStatus;
  leader?: string;
  votes: Vote[];
  failures: VoterFailure[];
  score?: Omit<ConsensusScore, 'dissent'>;
  decision?: string;
  approvalId?: string;
  reasons: string[];
  approval?: ApprovalRecord;
}

export type ConsensusResult = ConsensusView & { status: Exclude<ConsensusStatus, 'voting' | 'awaiting_human'>; dissent: Vote[] };

export function consensusWorkflowId(tenant: string, roundId: string): string {
  return `consensus:${tenant}:${roundId}`;
}

/** The pool a round starts from, with model diversity applied (see diversifyPool). */
export type { VoterSpec };
