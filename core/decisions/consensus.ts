import type { Impact } from '../tasks/task.js';

/** A consensus round: a question, its options, and who votes. */
export interface ConsensusOption {
  id: string;
  label: string;
  description?: string;
}

/** An agent type votes through its playbook; a model votes through an OpenAI-compatible endpoint. */
export type VoterSpec = { kind: 'agent'; agentType: string } | { kind: 'model'; model: string };

export interface Vote {
  voter: string;
  choice: string;
  /** 0..1 */
  confidence: number;
  rationale: string;
  /** The model behind the vote, when a model cast it (for the diversity rule). */
  model?: string;
}

export type VoterFailure = { voter: string; reason: 'failed' | 'late'; message: string };

export const CONSENSUS_DEFAULTS = { minAgreement: 0.75, minDistinctModels: 2 } as const;

export function voterId(spec: VoterSpec): string {
  return spec.kind === 'agent' ? `agent:${spec.agentType}` : `model:${spec.model}`;
}

/** A strict majority of the pool, unless the round asks for another quorum. */
export function defaultQuorum(poolSize: number): number {
  return Math.floor(poolSize / 2) + 1;
}

/**
 * Groupthink avoidance: when the registry offers models, the pool's model voters span at least `minDistinct` of them.
 * Missing models are added as extra voters (never replacing a voter the caller asked for).
 */
export function diversifyPool(pool: readonly VoterSpec[], availableModels: readonly string[], minDistinct: number): VoterSpec[] {
  const used = new Set(pool.flatMap((v) => (v.kind === 'model' ? [v.model] : [])));
  if (used.size === 0) return [...pool];
  const wanted = Math.min(minDistinct, new Set([...used, ...availableModels]).size);
  const extra: VoterSpec[] = [];
  for (const model of availableModels) {
    if (used.size + extra.length >= wanted) break;
    if (!used.has(model)) extra.push({ kind: 'model', model });
  }
  return [...pool, ...extra];
}

/** Free answers to options: an exact id, else a label or id match ignoring case and punctuation. */
export function normaliseChoice(answer: string, options: readonly ConsensusOption[]): string | undefined {
  const exact = options.find((o) => o.id === answer);
  if (exact) return exact.id;
  const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const wanted = squash(answer);
  if (!wanted) return undefined;
  const match = options.find((o) => squash(o.id) === wanted || squash(o.label) === wanted);
  if (match) return match.id;
  const contained = options.filter((o) => wanted.includes(squash(o.label)) || wanted.includes(squash(o.id)));
  return contained.length === 1 ? contained[0]?.id : undefined;
}

export interface ConsensusRules {
  minAgreement: number;
  quorum: number;
  /** The lead agent's voter id; its choice breaks a tie between the best options. */
  leader?: string;
}

export interface OptionSupport {
  option: string;
  votes: number;
  /** Sum of the confidences of its votes. */
  weight: number;
}

export interface ConsensusScore {
  /** agreement[i][j] = 1 when voters i and j chose the same option (votes in the order given). */
  agreement: number[][];
  voters: string[];
  /** Mean pairwise agreement between distinct voters (1 when fewer than two votes). */
  pairwiseAgreement: number;
  support: OptionSupport[];
  /** The option with the most confidence-weighted support; a tie goes to the leader's choice, else stays open. */
  leading?: string;
  tie: boolean;
  tieBrokenByLeader: boolean;
  /** Confidence-weighted share of the leading option, 0..1. */
  score: number;
  quorumReached: boolean;
  decided: boolean;
  dissent: Vote[];
}

const EPSILON = 1e-9;

export function agreementMatrix(votes: readonly Vote[]): number[][] {
  return votes.map((a) => votes.map((b) => (a.choice === b.choice ? 1 : 0)));
}

export function scoreConsensus(votes: readonly Vote[], options: readonly ConsensusOption[], rules: ConsensusRules): ConsensusScore {
  const agreement = agreementMatrix(votes);
  let pairs = 0;
  let agreeing = 0;
  for (let i = 0; i < votes.length; i += 1) {
    for (let j = i + 1; j < votes.length; j += 1) {
      pairs += 1;
      agreeing += agreement[i]?.[j] ?? 0;
    }
  }
  const support: OptionSupport[] = options.map((o) => {
    const mine = votes.filter((v) => v.choice === o.id);
    return { option: o.id, votes: mine.length, weight: mine.reduce((sum, v) => sum + v.confidence, 0) };
  });
  support.sort((a, b) => b.weight - a.weight || b.votes - a.votes);
  const totalWeight = votes.reduce((sum, v) => sum + v.confidence, 0);
  const best = support[0];
  const tiedOptions = best && best.weight > 0 ? support.filter((s) => Math.abs(s.weight - best.weight) < EPSILON && s.votes === best.votes).map((s) => s.option) : [];
  const tie = tiedOptions.length > 1;
  const leaderChoice = rules.leader ? votes.find((v) => v.voter === rules.leader)?.choice : undefined;
  const tieBrokenByLeader = tie && leaderChoice !== undefined && tiedOptions.includes(leaderChoice);
  const leading = tie ? (tieBrokenByLeader ? leaderChoice : undefined) : tiedOptions[0];
  const leadingWeight = support.find((s) => s.option === leading)?.weight ?? 0;
  const score = totalWeight > 0 ? leadingWeight / totalWeight : 0;
  const quorumReached = votes.length >= rules.quorum;
  return {
    agreement,
    voters: votes.map((v) => v.voter),
    pairwiseAgreement: pairs === 0 ? 1 : agreeing / pairs,
    support,
    leading,
    tie,
    tieBrokenByLeader,
    score,
    quorumReached,
    decided: quorumReached && leading !== undefined && score + EPSILON >= rules.minAgreement,
    dissent: leading === undefined ? [...votes] : votes.filter((v) => v.choice !== leading),
  };
}

/** How a round that did not agree reads for the person who must decide. */
export function escalationReasons(score: ConsensusScore, rules: ConsensusRules, failures: readonly VoterFailure[]): string[] {
  const reasons: string[] = [];
  if (!score.quorumReached) reasons.push(`quorum not reached: ${score.voters.length} vote(s), ${rules.quorum} needed`);
  if (score.leading === undefined) reasons.push('no leading option (a tie with no leader to break it, or no vote)');
  else if (score.score < rules.minAgreement) reasons.push(`consensus ${score.score.toFixed(2)} is below ${rules.minAgreement}`);
  const late = failures.filter((f) => f.reason === 'late').length;
  const failed = failures.length - late;
  if (late) reasons.push(`${late} voter(s) did not answer in time`);
  if (failed) reasons.push(`${failed} voter(s) failed`);
  return reasons;
}

/** The severity a round's escalation carries: what the round is about, raised when the swarm is split. */
export function escalationSeverity(declared: Impact, score: ConsensusScore): Impact {
  if (declared === 'low' && score.score < 0.5) return 'medium';
  return declared;
}

/**
 * Emergent leadership: the agent type with the best track record for the task type leads (most successes, then the
 * best success rate, then the name for a stable answer). Types with no history never lead.
 */
export function electLeader(history: ReadonlyArray<{ voter: string; uses: number; successes: number }>): string | undefined {
  const ranked = history
    .filter((h) => h.uses > 0 && h.successes > 0)
    .sort((a, b) => b.successes - a.successes || b.successes / b.uses - a.successes / a.uses || a.voter.localeCompare(b.voter));
  return ranked[0]?.voter;
}
