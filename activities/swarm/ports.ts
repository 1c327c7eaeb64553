import { z } from 'zod';
import { PHEROMONE_TYPES, type PheromoneType } from '../../core/swarm/pheromones.js';
import type { AgentStateRecord } from '../../core/agents/agent.js';
import type { Bid } from '../../core/swarm/bids.js';
import type { AgentLoadSample, AwardSample } from '../../core/swarm/metrics.js';
import type { ArtifactStatus } from '../../core/swarm/stigmergy.js';
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
    /** Only trails these depositors laid (e.g. the agents bidding for a task). */
    depositors: z.array(z.string().min(1).max(200)).min(1).max(1000).optional(),
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
  /** Tenants with live trails of the type — never the trails themselves: a handler that was down catches up with it. */
  tenantsWith(type: PheromoneType): Promise<string[]>;
  /** Calls `handler` for every deposit or reinforcement of any tenant until the returned function is called. */
  subscribe(handler: (notice: PheromoneNotice) => void): Promise<() => Promise<void>>;
}

/**
 * How many of the best bids an award keeps with it (and the audit trail shows): enough to explain the choice, without
 * writing a thousand bids for every task of a type with a thousand agents.
 */
export const KEPT_BIDS = 20;

export const awardInput = z
  .object({
    tenant,
    taskId: z.string().min(1).max(200),
    agentType: z.string().min(1).max(128),
    /** For the awarded agents' history with this kind of task. */
    taskType: z.string().min(1).max(128).optional(),
    submittedAt: z.string().datetime(),
    /** Ranked bids, best first: the award goes to the first with room at the moment of the award. */
    bids: z
      .array(
        z.object({
          agentId: z.string().min(1),
          score: z.number(),
          eligible: z.boolean(),
          reason: z.string(),
          parts: z.record(z.string(), z.number()).optional(),
          /** The open awards the bidder held when it was scored: holding more now, it is tried after the others. */
          load: z.number().int().min(0).optional(),
        }),
      )
      .max(10_000),
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
  /** Time it spent on its released awards lately: each millisecond counts half as much every WORK_HALF_LIFE_MS. */
  recentWorkMs: number;
}

/** How quickly past work stops counting against an agent when the marketplace spreads work. */
export const WORK_HALF_LIFE_MS = 60 * 60_000;

export const shortlistQuery = z
  .object({
    limit: z.number().int().min(1).max(10_000),
    /** Breaks exact ties differently per task, so tasks shortlisted at the same moment do not all name the same agents. */
    spreadKey: z.string().max(400).default(''),
  })
  .strict();
export type ShortlistQuery = z.input<typeof shortlistQuery>;

/** The agents worth asking for a bid, and the type as a whole. */
export interface Shortlist {
  /**
   * At most `limit` of the type's instances that are not retired: those with room first, then the least loaded now,
   * then the least recent work, then by a hash of the spread key and the agent id.
   */
  candidates: AgentCandidate[];
  /** Every instance of the type that is not retired: how many, their capacity and their open awards. */
  agents: number;
  capacity: number;
  held: number;
}

/** A closed award: whose slot came free, and how full that agent is now. */
export interface ReleasedAward {
  agentId: string;
  load: number;
  capacity: number;
}

/** Agents' records with a task type: the asked-for agents one by one, and the whole type's totals. */
export interface TaskTypeRecord {
  byAgent: Map<string, { tasks: number; successRate: number }>;
  tasks: number;
  successes: number;
}

export interface SwarmState {
  /** Agents publish their lifecycle state here; only a newer revision of an agent replaces what is kept. */
  publishAgent(record: AgentStateRecord): Promise<boolean>;
  /** Who may bid for the type's next task (see Shortlist). */
  shortlist(tenant: string, agentType: string, query: ShortlistQuery): Promise<Shortlist>;
  /** Agents of the tenant's other types that are up and hold no task: they may help an overloaded type. */
  idleHelpers(tenant: string, excludeAgentType: string): Promise<AgentCandidate[]>;
  /**
   * Atomically gives the task to the first ranked bidder with room: never above an agent's capacity, never the same
   * task twice (a second call returns the first award). Null when every bidder is full.
   */
  award(input: AwardInput): Promise<Award | null>;
  /**
   * Closes the task's award, adding the agent's time on it to its recent work — `workMs` as the task measured it, or
   * else the time the award was held; null when there was none open (idempotent).
   */
  release(tenant: string, taskId: string, succeeded: boolean, workMs?: number): Promise<ReleasedAward | null>;
  /** What the swarm metrics are computed from: the tenant's agents now, and the awards made since `since`. */
  metricsSample(tenant: string, since: Date, slaMs: number): Promise<{ agents: AgentLoadSample[]; awards: AwardSample[] }>;
  /** The named agents' records with a task type over their released awards (kept as they are released), and the type's totals. */
  history(tenant: string, agentType: string, taskType: string, agentIds: readonly string[]): Promise<TaskTypeRecord>;
}

export type { Bid };

// ── Stigmergy workspace ──────────────────────────────────────────────────────────────────────────────────────────

const capability = z.string().min(1).max(100);
const actor = z.string().min(1).max(200);
/** Artifact ids: chosen by whoever leaves the artifact, safe in URLs and logs. */
export const artifactId = z.string().min(1).max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, . _ : -');

export const artifactDraft = z
  .object({
    tenant,
    id: artifactId,
    kind: z.string().min(1).max(100),
    title: z.string().min(1).max(300),
    content: jsonObject.default({}),
    status: z.enum(['incomplete', 'needs_review']).default('incomplete'),
    continueCapability: capability,
    /** Who may review it; the continue capability when absent (a peer with the same skill). */
    reviewCapability: capability.optional(),
    createdBy: actor,
  })
  .strict();
export type ArtifactDraft = z.input<typeof artifactDraft>;

export const workClaim = z
  .object({ tenant, agentId: actor, capabilities: z.array(capability).min(1).max(50), leaseMs: z.number().int().min(1000).max(24 * 3_600_000).default(10 * 60_000) })
  .strict();
export type WorkClaim = z.input<typeof workClaim>;

export const artifactChange = z
  .object({ tenant, id: z.string().min(1).max(200), agentId: actor, expectedVersion: z.number().int().positive(), content: jsonObject, status: z.enum(['incomplete', 'needs_review']) })
  .strict();
export type ArtifactChange = z.input<typeof artifactChange>;

export const artifactReview = z
  .object({ tenant, id: z.string().min(1).max(200), agentId: actor, expectedVersion: z.number().int().positive(), verdict: z.enum(['approve', 'changes']), comment: z.string().max(4000).default('') })
  .strict();
export type ArtifactReview = z.input<typeof artifactReview>;

export interface Artifact {
  tenant: string;
  id: string;
  kind: string;
  title: string;
  content: JsonObject;
  status: ArtifactStatus;
  version: number;
  continueCapability: string;
  reviewCapability: string;
  createdBy: string;
  lastEditor: string;
  claimedBy: string | null;
  claimedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ArtifactEvent {
  id: string;
  artifactId: string;
  version: number;
  kind: 'created' | 'claimed' | 'updated' | 'submitted' | 'approved' | 'changes_requested' | 'released';
  actor: string;
  status: ArtifactStatus;
  details: JsonObject;
  at: string;
}

/** A change the workspace refuses (wrong state, not the holder, own work, stale version): the caller learns why. */
export class WorkspaceConflict extends Error {
  override readonly name = 'WorkspaceConflict';
}

/** The shared workspace agents coordinate through. Every change is one transaction with its event. */
export interface Workspace {
  /** Leaves an artifact; leaving the same one again (same id and creator) answers the first. */
  create(draft: ArtifactDraft): Promise<Artifact>;
  /** The oldest incomplete artifact this agent can continue and nobody holds, now held by it for the lease; null if none. */
  pickUpWork(claim: WorkClaim): Promise<Artifact | null>;
  /** The oldest artifact waiting for review that this agent may review (never its own work); null if none. */
  pickUpReview(claim: WorkClaim): Promise<Artifact | null>;
  /** The holder's work: new content, still incomplete or ready for review. */
  save(change: ArtifactChange): Promise<Artifact>;
  /** The reviewer's verdict: done, or back to incomplete with the comment. */
  review(review: ArtifactReview): Promise<Artifact>;
  /** The holder lets go without changing it. */
  release(input: { tenant: string; id: string; agentId: string }): Promise<void>;
  get(tenant: string, id: string): Promise<{ artifact: Artifact; events: ArtifactEvent[] } | null>;
  list(tenant: string, query: { status?: ArtifactStatus; limit?: number }): Promise<Artifact[]>;
  /** Observers hear of every change (tenant, artifact, kind, status, version — never the content). */
  subscribe(handler: (notice: { tenant: string; artifact: string; kind: string; status: string; version: number }) => void): Promise<() => Promise<void>>;
}

