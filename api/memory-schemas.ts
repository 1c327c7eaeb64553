import { z } from 'zod';
import { memoryKind } from '../core/memory/requests.js';
import { identifier } from '../core/tasks/submission.js';

/* The bodies and answers of the memory routes. The tenant is always the key's own: no field can name another. */

export const forgetMemoryBody = z
  .object({
    id: z.uuid().optional().describe('Forget this one memory'),
    agentId: identifier.optional().describe('Forget everything this agent wrote'),
    agentType: identifier.optional().describe('Forget everything agents of this type wrote'),
    all: z.literal(true).optional().describe("Forget all of this key's tenant's memory (GDPR erasure)"),
  })
  .strict()
  .refine((b) => [b.id, b.agentId, b.agentType, b.all].filter((v) => v !== undefined).length === 1, {
    message: 'name exactly one of id, agentId, agentType or all: true',
  });
export type ForgetMemoryBody = z.infer<typeof forgetMemoryBody>;

export const memoryForgotten = z
  .object({
    tenant: z.string(),
    scope: z.enum(['memory', 'agent', 'agentType', 'tenant']),
    deleted: z.number().int().describe('Memories removed (episodic hot and cold, semantic, procedural)'),
  })
  .strict();
export type MemoryForgotten = z.infer<typeof memoryForgotten>;

export const memorySearchQuery = z
  .object({
    q: z.string().trim().min(1, 'q must not be empty').max(2_000).describe('What to look for, in words; matched by meaning'),
    kind: memoryKind.optional().describe('Only this kind of memory'),
    k: z.coerce.number().int().min(1).max(50).default(10).describe('How many memories, best first (1–50)'),
  })
  .strict();

export const memorySearchResults = z
  .object({
    hits: z.array(
      z
        .object({
          memoryId: z.string(),
          kind: memoryKind,
          agentId: z.string(),
          agentType: z.string(),
          taskType: z.string().nullable(),
          content: z.string(),
          metadata: z.record(z.string(), z.unknown()),
          success: z.boolean().nullable(),
          similarity: z.number().describe('Cosine similarity to the query'),
          createdAt: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
export type MemorySearchResults = z.infer<typeof memorySearchResults>;

/** The OpenAPI component names of the memory routes' schemas (spread into NAMED_SCHEMAS). */
export const MEMORY_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [forgetMemoryBody, 'ForgetMemoryRequest'],
  [memoryForgotten, 'MemoryForgotten'],
  [memorySearchQuery, 'MemorySearchQuery'],
  [memorySearchResults, 'MemorySearchResults'],
];
