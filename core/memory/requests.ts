import { z } from 'zod';
import { identifier, jsonObject } from '../tasks/submission.js';

/**
 * The memory operations' contracts, validated at the activity boundary: a bad request is refused before any
 * embedding is paid for or any row written.
 */
export const memoryKind = z.enum(['episodic', 'semantic', 'procedural']);
export type MemoryKind = z.infer<typeof memoryKind>;

const memoryText = z.string().trim().min(1, 'memory content must not be empty').max(200_000, 'memory content is over 200,000 characters');

/** Who writes or asks: the tenant (the isolation boundary) and the agent, for accounting. */
export const memoryActor = z.object({
  tenant: identifier,
  agentId: identifier,
  agentType: identifier,
});
export type MemoryActor = z.infer<typeof memoryActor>;

const episodicFields = z.object({
  kind: z.literal('episodic'),
  taskId: identifier,
  taskType: identifier,
  procedure: identifier,
  outcome: z.enum(['completed', 'rejected', 'failed']),
  success: z.boolean(),
  situation: jsonObject.default({}),
  actions: z.array(jsonObject).default([]),
});
const semanticFields = z.object({
  kind: z.literal('semantic'),
  /** A business key: storing the same fact twice (a retried activity) writes one row. */
  sourceKey: z.string().min(1).max(300),
  taskType: identifier.optional(),
});
const proceduralFields = z.object({
  kind: z.literal('procedural'),
  taskType: identifier,
  procedure: identifier,
  steps: z.array(z.string().min(1)).max(100).default([]),
});

export const storeMemoryRequest = z.intersection(
  memoryActor.extend({ content: memoryText, metadata: jsonObject.default({}), createdAt: z.iso.datetime().optional() }),
  z.discriminatedUnion('kind', [episodicFields, semanticFields, proceduralFields]),
);
export type StoreMemoryRequest = z.input<typeof storeMemoryRequest>;
export type StoreMemory = z.output<typeof storeMemoryRequest>;

export const memoryFilters = z
  .object({
    kinds: z.array(memoryKind).min(1).default(['episodic', 'semantic', 'procedural']),
    agentId: identifier.optional(),
    agentType: identifier.optional(),
    /** Leave out this agent type: "what did the others learn". */
    excludeAgentType: identifier.optional(),
    taskType: identifier.optional(),
    excludeTaskId: identifier.optional(),
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
    /** Episodic memories of successful tasks only (other kinds have no outcome and are unaffected). */
    successOnly: z.boolean().default(false),
    /** Hits below this cosine similarity are dropped. */
    minSimilarity: z.number().min(-1).max(1).optional(),
  })
  .strict();
export type MemoryFilters = z.output<typeof memoryFilters>;

export const searchMemoryRequest = z
  .object({
    tenant: identifier,
    /** For accounting of the query's embedding. */
    agentId: identifier,
    query: memoryText,
    k: z.number().int().min(1).max(100).default(10),
    filters: memoryFilters.default(() => memoryFilters.parse({})),
  })
  .strict();
export type SearchMemoryRequest = z.input<typeof searchMemoryRequest>;
export type SearchMemory = z.output<typeof searchMemoryRequest>;

export interface MemoryHit {
  memoryId: string;
  kind: MemoryKind;
  agentId: string;
  agentType: string;
  taskType: string | null;
  content: string;
  metadata: Record<string, unknown>;
  success: boolean | null;
  similarity: number;
  createdAt: string;
}

export const forgetRequest = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('memory'), tenant: identifier, memoryId: z.uuid() }).strict(),
  z.object({ scope: z.literal('agent'), tenant: identifier, agentId: identifier }).strict(),
  z.object({ scope: z.literal('agentType'), tenant: identifier, agentType: identifier }).strict(),
  z.object({ scope: z.literal('tenant'), tenant: identifier }).strict(),
]);
export type ForgetRequest = z.infer<typeof forgetRequest>;

export const tierRequest = z
  .object({ tenant: identifier, olderThanDays: z.number().positive().max(36_500).optional(), batchSize: z.number().int().min(1).max(100_000).default(5_000) })
  .strict();
export type TierRequest = z.input<typeof tierRequest>;

export const procedureRankingRequest = z
  .object({ tenant: identifier, taskType: identifier, agentType: identifier.optional(), limit: z.number().int().min(1).max(100).default(10) })
  .strict();
export type ProcedureRankingRequest = z.input<typeof procedureRankingRequest>;

export interface RankedProcedure {
  memoryId: string;
  agentType: string;
  procedure: string;
  taskType: string;
  steps: string[];
  uses: number;
  successes: number;
  successRate: number;
}
