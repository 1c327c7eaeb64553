import { z } from 'zod';
import { PHEROMONE_TYPES, type PheromoneType } from '../../core/swarm/pheromones.js';
import type { Bid } from '../../core/swarm/bids.js';
import type { AgentLoadSample, AwardSample } from '../../core/swarm/metrics.js';
import { jsonObject } from '../../core/tasks/submission.js';
import type { JsonObject } from '../../core/tasks/json.js';

/*
 * The swarm's ports. The local adapters are Postgres (./postgres-*.ts); other adapters implement the same
 * interfaces and pass the same contract suites (test/contract/).
 */

const location = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / -');
const tenant = z.string().min(1).max(128);
const MAX_TTL_MS = 7 * 24 * 3600 * 1000;

export const depositInput = z
  .object({
    tenant,
    type: z.enum(PHEROMONE_TYPES),
    location,
    depositor: z.string().min(1).max(200),
    strength: z.number().min(0).max(1),
    ttlMs: z.number().int().min(1000).max(MAX_TTL_MS),
    data: jsonObject.default({}),
  })
  .strict();
export type DepositInput = z.input<typeof depositInput>;

export const detectQuery = z
  .object({
    tenant,
    types: z.array(z.enum(PHEROMONE_TYPES)).min(1).max(PHEROMONE_TYPES.length).optional(),
    location: location.optional(),
    /** Only trails at least this strong now. */
    minStrength: z.number().min(0).max(1).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type DetectQuery = z.input<typeof detectQuery>;

export interface Pheromone {
  id: string;
  tenant: string;
  type: PheromoneType;
  location: string;
  depositor: string;
  /** As deposited (or last reinforced). */
  strength: number;
  /** Now, after evaporation. */
  current: number;
  depositedAt: string;
  expiresAt: string;
  data: JsonObject;
}

export interface PheromoneNotice {
  tenant: string;
  id: string;
  type: PheromoneType;
  location: string;
}

export interface PheromoneField {
  /** Lays a trail; depositing again where the same depositor's trail still lives refreshes it (the stronger wins). */
  deposit(input: DepositInput): Promise<Pheromone>;
  /** A repeated success at the same place: what is left plus the new strength, capped at 1, with a fresh TTL. */
  reinforce(input: DepositInput): Promise<Pheromone>;
  /** Removes one depositor's trail at a place (claimed work stops calling); false when there was none. */
  withdraw(trail: { tenant: string; type: PheromoneType; location: string; depositor: string }): Promise<boolean>;
  /** Live trails, strongest (now) first. */
  detect(query: DetectQuery): Promise<Pheromone[]>;
  /** Removes the tenant's trails that have fully evaporated; returns how many. */
  expire(tenant: string): Promise<number>;
  /** Calls `handler` for every deposit or reinforcement of any tenant until the returned function is called. */
  subscribe(handler: (notice: PheromoneNotice) => void): Promise<() => Promise<void>>;
}

export const awardInput = z
  .object({
    tenant,
    taskId: z.string().min(1).max(200),
    agentType: z.string().min(1).max(128),
    /** For the awarded agents' history with this kind of task. */
    taskType: z.string().min(1).max(128).optional(),
    submittedAt: z.string().datetime(),
    /** Ranked bids, best first: the award goes to the first with room at the moment of the award. */
    bids: z.array(z.object({ agentId: z.string().min(1), score: z.number(), eligible: z.boolean(), reason: z.string(), parts: z.record(z.string(), z.number()).optional() })).max(10_000),
  })
  .strict();
export type AwardInput = z.input<typeof awardInput>;

export interface Award {
  tenant: string;
  taskId: string;
  agentId: string;
  score: number;
  reason: string;
  awardedAt: string;
  /** The task already had this award (a retry): nothing new was reserved. */
  existing: boolean;
}

export interface AgentCandidate {
  agentId: string;
  workflowId: string;
  agentType: string;
  state: string;
  capacity: number;
  /** Open awards it holds now. */
  load: number;
}

export interface SwarmState {
  /** The type's instances that are not retired, with their open awards. */
  candidates(tenant: string, agentType: string): Promise<AgentCandidate[]>;
  /**
   * Atomically gives the task to the first ranked bidder with room: never above an agent's capacity, never the same
   * task twice (a second call returns the first award). Null when every bidder is full.
   */
  award(input: AwardInput): Promise<Award | null>;
  /** Closes the task's award (idempotent); false when there was none open. */
  release(tenant: string, taskId: string, succeeded: boolean): Promise<boolean>;
  /** What the swarm metrics are computed from: the tenant's agents now, and the awards made since `since`. */
  metricsSample(tenant: string, since: Date, slaMs: number): Promise<{ agents: AgentLoadSample[]; awards: AwardSample[] }>;
  /** Each agent's record with a task type over its released awards. */
  history(tenant: string, agentType: string, taskType: string): Promise<Map<string, { tasks: number; successRate: number }>>;
}

export type { Bid };
