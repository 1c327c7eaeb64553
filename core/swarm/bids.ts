import { clampStrength } from './pheromones.js';
import { fnv1a } from '../hash.js';

/*
 * The task marketplace's bid scoring (whitepaper §5.B: capability match, current load, historical success with similar
 * tasks, pheromone strength). Pure: the activity gathers the facts, this ranks them.
 */

/** How much each part of a bid weighs; they sum to 1. */
export const BID_WEIGHTS = { capability: 0.4, load: 0.3, history: 0.2, pheromone: 0.1 } as const;

/** With no history anywhere in its type an agent is assumed even odds. */
export const UNKNOWN_SUCCESS_RATE = 0.5;
/** How many tasks of evidence the type's average counts for in each agent's rate (its prior weight). */
export const HISTORY_PRIOR_TASKS = 10;

/**
 * Each agent's success rate for bidding: its own record pulled towards its type's average by HISTORY_PRIOR_TASKS
 * tasks of evidence. A newcomer counts as average — neither favoured nor starved — and one lucky task cannot make an
 * agent the favourite: otherwise the first agents to finish anything would win every later bid while all are equal.
 */
export function smoothedSuccessRates(
  agentIds: readonly string[],
  records: ReadonlyMap<string, { tasks: number; successRate: number }>,
  /** The whole type's totals, when `records` holds only some of its agents; otherwise summed from `records`. */
  typeTotals?: { tasks: number; successes: number },
): Map<string, number> {
  let tasks = 0;
  let successes = 0;
  if (typeTotals) ({ tasks, successes } = typeTotals);
  else {
    for (const record of records.values()) {
      tasks += record.tasks;
      successes += record.tasks * record.successRate;
    }
  }
  const average = tasks > 0 ? successes / tasks : UNKNOWN_SUCCESS_RATE;
  return new Map(
    agentIds.map((agentId) => {
      const own = records.get(agentId);
      const rate = own ? (own.tasks * own.successRate + HISTORY_PRIOR_TASKS * average) / (own.tasks + HISTORY_PRIOR_TASKS) : average;
      return [agentId, rate];
    }),
  );
}

export interface BidInput {
  agentId: string;
  capabilities: readonly string[];
  /** Tasks it holds now (open awards) and how many it may hold. */
  load: number;
  capacity: number;
  /** Time it spent on tasks lately (decayed); compared with the other bidders', it is the load it carried. */
  recentWorkMs?: number;
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

/**
 * How loaded an agent is: the larger of its share of slots held now and its recent work as a share of the busiest
 * bidder's. Counting only the slots held now, an agent that finished a hundred tasks this hour looks as free as one that
 * did none — and with success trails pulling, work would keep returning to whoever finished first.
 */
export function utilisationOf(input: BidInput, busiestRecentWorkMs = 0): number {
  const occupancy = input.capacity > 0 ? input.load / input.capacity : 1;
  const worked = busiestRecentWorkMs > 0 ? Math.min(1, (input.recentWorkMs ?? 0) / busiestRecentWorkMs) : 0;
  return Math.max(occupancy, worked);
}

export function scoreBid(required: readonly string[], input: BidInput, busiestRecentWorkMs = 0): Bid {
  const capability = capabilityMatch(required, input.capabilities);
  const utilisation = utilisationOf(input, busiestRecentWorkMs);
  const load = clampStrength(1 - utilisation);
  const history = clampStrength(input.successRate ?? UNKNOWN_SUCCESS_RATE);
  // Centered on 0.5: no trail is neutral, success pulls up, danger pushes down. A success trail pulls less the busier
  // the agent already is: otherwise the agents that finished first would draw ever more work while peers stand idle.
  const pheromone = clampStrength(0.5 + (input.successTrail * (1 - Math.min(1, utilisation)) - input.dangerTrail) / 2);
  const score =
    BID_WEIGHTS.capability * capability + BID_WEIGHTS.load * load + BID_WEIGHTS.history * history + BID_WEIGHTS.pheromone * pheromone;
  const full = input.load >= input.capacity;
  const eligible = !full && capability > 0;
  const reason = full ? `at capacity (${input.load}/${input.capacity})` : capability === 0 ? 'lacks every required capability' : 'eligible';
  return { agentId: input.agentId, score: Math.round(score * 10_000) / 10_000, parts: { capability, load, history, pheromone }, eligible, reason };
}

/**
 * Best first; equal scores go to the less loaded, then by a hash of the task and the agent. The hash spreads equal
 * bids: tasks awarded at the same moment rank the same agents differently, instead of all piling onto the lowest id
 * until it is full. It is a function of its inputs, so a task ranks the same way on every run and every retry.
 */
export function rankBids(required: readonly string[], inputs: readonly BidInput[], taskId = ''): Bid[] {
  const busiest = Math.max(0, ...inputs.map((input) => input.recentWorkMs ?? 0));
  const loadOf = new Map(inputs.map((input) => [input.agentId, utilisationOf(input, busiest)]));
  const spread = new Map(inputs.map((input) => [input.agentId, fnv1a(`${taskId}\u0000${input.agentId}`)]));
  return inputs
    .map((input) => scoreBid(required, input, busiest))
    .sort(
      (a, b) =>
        Number(b.eligible) - Number(a.eligible) ||
        b.score - a.score ||
        (loadOf.get(a.agentId) ?? 1) - (loadOf.get(b.agentId) ?? 1) ||
        (spread.get(a.agentId) ?? 0) - (spread.get(b.agentId) ?? 0) ||
        a.agentId.localeCompare(b.agentId),
    );
}
