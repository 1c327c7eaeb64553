import { createHash } from 'node:crypto';
import { z } from 'zod';

/*
 * The swarm state's documents in Cosmos DB. They share one container partitioned by `/tenant`, told apart by `kind`:
 * a tenant's documents are one logical partition, so every read, query and write names its tenant as the partition
 * key, and the writes that must land together (an award with its slot, a release with its slot and records) are one
 * transactional batch — which Cosmos only offers within one container and one logical partition.
 */

export const KINDS = {
  /** An agent as it last published itself (its lifecycle record). */
  agent: 'agent',
  /** The marketplace's counter for an agent: open awards, capacity, recent work. */
  slot: 'slot',
  /** One per task: who got it, why, and how it ended. */
  award: 'award',
  /** An agent's record with a task type. */
  agentTaskStats: 'agentTaskStats',
  /** An agent type's totals with a task type. */
  taskTypeStats: 'taskTypeStats',
} as const;

/**
 * A document id from its kind and key parts. Ids may not hold `/ \ ? #` and stay under 255 characters: each part is
 * URI-encoded (which never leaves a raw `=`), and a key too long for that is replaced by `=` and its SHA-256.
 */
export function documentId(kind: string, ...parts: string[]): string {
  const id = `${kind}:${parts.map(encodeURIComponent).join(':')}`;
  if (id.length <= 255) return id;
  return `${kind}:=${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

const system = { id: z.string(), tenant: z.string(), _etag: z.string() };

export const agentDocument = z.object({
  ...system,
  kind: z.literal(KINDS.agent),
  agentId: z.string(),
  agentType: z.string(),
  instance: z.number(),
  workflowId: z.string(),
  state: z.string(),
  tier: z.string(),
  keepWarm: z.boolean(),
  capacity: z.number(),
  load: z.number(),
  freeCapacity: z.number(),
  revision: z.number(),
  stateSince: z.string(),
  usage: z.object({ activeMs: z.number(), sleepingMs: z.number(), tokens: z.number() }),
  meteredUntil: z.string(),
  wakes: z.number(),
  updatedAt: z.string(),
});
export type AgentDocument = z.infer<typeof agentDocument>;

/**
 * Capacity and retirement are copied here from the agent's record (in the batch that publishes it), so an award's one
 * etag check on this document covers everything that decides whether the agent has room.
 */
export const slotDocument = z.object({
  ...system,
  kind: z.literal(KINDS.slot),
  agentId: z.string(),
  agentType: z.string(),
  capacity: z.number(),
  retired: z.boolean(),
  open: z.number().int().min(0),
  /** Work time as of `workAt` (epoch ms); it halves every WORK_HALF_LIFE_MS after that. */
  workMs: z.number().min(0),
  workAt: z.number().nullable(),
});
export type SlotDocument = z.infer<typeof slotDocument>;

export const awardDocument = z.object({
  ...system,
  kind: z.literal(KINDS.award),
  taskId: z.string(),
  agentType: z.string(),
  taskType: z.string().nullable(),
  agentId: z.string(),
  score: z.number(),
  reason: z.string(),
  bids: z.array(z.object({ agentId: z.string(), score: z.number(), eligible: z.boolean(), reason: z.string(), parts: z.record(z.string(), z.number()).optional(), load: z.number().optional() })),
  bidders: z.number().int(),
  submittedAt: z.string(),
  awardedAt: z.string(),
  releasedAt: z.string().nullable(),
  succeeded: z.boolean().nullable(),
});
export type AwardDocument = z.infer<typeof awardDocument>;

export const agentTaskStatsDocument = z.object({
  ...system,
  kind: z.literal(KINDS.agentTaskStats),
  agentType: z.string(),
  taskType: z.string(),
  agentId: z.string(),
  tasks: z.number().int().min(0),
  successes: z.number().int().min(0),
});
export type AgentTaskStatsDocument = z.infer<typeof agentTaskStatsDocument>;

export const taskTypeStatsDocument = z.object({
  ...system,
  kind: z.literal(KINDS.taskTypeStats),
  agentType: z.string(),
  taskType: z.string(),
  tasks: z.number().int().min(0),
  successes: z.number().int().min(0),
});
export type TaskTypeStatsDocument = z.infer<typeof taskTypeStatsDocument>;

/** What is written: a document without the properties the service assigns. */
export type Body<T> = Omit<T, '_etag'>;

export function bodyOf<T extends { _etag: string }>(document: T): Body<T> {
  const { _etag: _dropped, ...body } = document;
  return body;
}

export const slotId = (agentId: string) => documentId(KINDS.slot, agentId);
export const agentDocumentId = (agentId: string) => documentId(KINDS.agent, agentId);
export const awardId = (taskId: string) => documentId(KINDS.award, taskId);
export const agentTaskStatsId = (agentType: string, taskType: string, agentId: string) => documentId(KINDS.agentTaskStats, agentType, taskType, agentId);
export const taskTypeStatsId = (agentType: string, taskType: string) => documentId(KINDS.taskTypeStats, agentType, taskType);
