import { clampStrength } from './pheromones.js';

/*
 * The task marketplace's bid scoring (whitepaper §5.B: capability match, current load, historical success with similar
 * tasks, pheromone strength). Pure: the activity gathers the facts, this ranks them.
 */

/** How much each part of a bid weighs; they sum to 1. */
export const BID_WEIGHTS = { capability: 0.4, load: 0.3, history: 0.2, pheromone: 0.1 } as const;

/** With no history an agent is assumed average, so newcomers are neither favoured nor starved. */
export const UNKNOWN_SUCCESS_RATE = 0.5;

export interface BidInput {
  agentId: string;
  capabilities: readonly string[];
  /** Tasks it holds now (open awards) and how many it may hold. */
  load: number;
  capacity: number;
  /** Success rate with this task type (episodic/procedural statistics), null when it has none. */
  successRate: number | null;
  /** Success trails at the agent's location attract… */
  successTrail: number;
  /** …danger trails repel (e.g. an agent whose integration is rate-limited). */
  dangerTrail: number;
}

export interface Bid {
  agentId: string;
  score: number;
  parts: { capability: number; load: number; history: number; pheromone: number };
  /** Room for the task right now. */
  eligible: boolean;
  reason: string;
}

/** Share of the required capabilities the agent has; 1 when the task asks for none. */
export function capabilityMatch(required: readonly string[], offered: readonly string[]): number {
  if (required.length === 0) return 1;
  const have = new Set(offered.map((c) => c.toLowerCase()));
  return required.filter((c) => have.has(c.toLowerCase())).length / required.length;
}

export function scoreBid(required: readonly string[], input: BidInput): Bid {
  const capability = capabilityMatch(required, input.capabilities);
  const utilisation = input.capacity > 0 ? input.load / input.capacity : 1;
  const load = clampStrength(1 - utilisation);
  const history = clampStrength(input.successRate ?? UNKNOWN_SUCCESS_RATE);
  // Centered on 0.5: no trail is neutral, success pulls up, danger pushes down.
  const pheromone = clampStrength(0.5 + (input.successTrail - input.dangerTrail) / 2);
  const score =
    BID_WEIGHTS.capability * capability + BID_WEIGHTS.load * load + BID_WEIGHTS.history * history + BID_WEIGHTS.pheromone * pheromone;
  const full = input.load >= input.capacity;
  const eligible = !full && capability > 0;
  const reason = full ? `at capacity (${input.load}/${input.capacity})` : capability === 0 ? 'lacks every required capability' : 'eligible';
  return { agentId: input.agentId, score: Math.round(score * 10_000) / 10_000, parts: { capability, load, history, pheromone }, eligible, reason };
}

/** Best first; equal scores go to the less loaded, then by id, so the order is the same on every run. */
export function rankBids(required: readonly string[], inputs: readonly BidInput[]): Bid[] {
  const loadOf = new Map(inputs.map((input) => [input.agentId, input.capacity > 0 ? input.load / input.capacity : 1]));
  return inputs
    .map((input) => scoreBid(required, input))
    .sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.score - a.score || (loadOf.get(a.agentId) ?? 1) - (loadOf.get(b.agentId) ?? 1) || a.agentId.localeCompare(b.agentId));
}
