import type pg from 'pg';
import type { StoreMemory } from '../../core/memory/requests.js';
import { inputShape } from '../../core/tasks/shape.js';
import type { EmbeddingUsage } from './embeddings/service.js';
import { vectorLiteral } from './tenant-tx.js';

/** The writes of the memory tables, each run inside an `inTenant` transaction by the activities. */
export interface Embedded {
  model: string;
  dims: number;
  vector: number[];
}

export interface Written {
  memoryId: string;
  created: boolean;
}

async function existingId(client: pg.PoolClient, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await client.query<{ memory_id: string }>(sql, params);
  const id = rows[0]?.memory_id;
  if (!id) throw new Error('memory row vanished between insert and read');
  return id;
}

/** One episode per (tenant, task): a retried write finds the first one and changes nothing. */
export async function insertEpisode(client: pg.PoolClient, m: Extract<StoreMemory, { kind: 'episodic' }>, e: Embedded, details: object = {}): Promise<Written> {
  const { rows } = await client.query<{ memory_id: string }>(
    `insert into episodes (tenant_id, task_id, agent_id, agent_type, task_type, procedure, input_shape, situation, actions, outcome, success,
       details, content, metadata, embedding_model, dims, embedding, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::vector, coalesce($18::timestamptz, now()))
     on conflict (tenant_id, task_id) do nothing returning memory_id`,
    [
      m.tenant, m.taskId, m.agentId, m.agentType, m.taskType, m.procedure, inputShape(m.situation), JSON.stringify(m.situation),
      JSON.stringify(m.actions), m.outcome, m.success, JSON.stringify(details), m.content, JSON.stringify(m.metadata), e.model, e.dims,
      vectorLiteral(e.vector), m.createdAt ?? null,
    ],
  );
  if (rows[0]) return { memoryId: rows[0].memory_id, created: true };
  return { memoryId: await existingId(client, 'select memory_id from episodes where tenant_id = $1 and task_id = $2', [m.tenant, m.taskId]), created: false };
}

/** A fact: one row per (tenant, source key). */
export async function insertSemantic(client: pg.PoolClient, m: Extract<StoreMemory, { kind: 'semantic' }>, e: Embedded): Promise<Written> {
  const { rows } = await client.query<{ memory_id: string }>(
    `insert into semantic_memories (tenant_id, agent_id, agent_type, task_type, source_key, content, metadata, embedding_model, dims, embedding, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::vector, coalesce($11::timestamptz, now()))
     on conflict (tenant_id, source_key) do nothing returning memory_id`,
    [m.tenant, m.agentId, m.agentType, m.taskType ?? null, m.sourceKey, m.content, JSON.stringify(m.metadata), e.model, e.dims, vectorLiteral(e.vector), m.createdAt ?? null],
  );
  if (rows[0]) return { memoryId: rows[0].memory_id, created: true };
  return { memoryId: await existingId(client, 'select memory_id from semantic_memories where tenant_id = $1 and source_key = $2', [m.tenant, m.sourceKey]), created: false };
}

/**
 * A procedure's row, created on first sight; its description, steps and vector follow the latest write. `use`
 * counts one use (and a success) — only the Learn step does that, once per task.
 */
export async function upsertProcedure(
  client: pg.PoolClient,
  m: Extract<StoreMemory, { kind: 'procedural' }>,
  e: Embedded,
  use?: { success: boolean },
): Promise<Written> {
  const uses = use ? 1 : 0;
  const successes = use?.success ? 1 : 0;
  const { rows } = await client.query<{ memory_id: string; created: boolean }>(
    `insert into procedures (tenant_id, agent_type, task_type, procedure, uses, successes, agent_id, steps, content, metadata, embedding_model, dims, embedding)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::vector)
     on conflict (tenant_id, agent_type, task_type, procedure) do update set
       uses = procedures.uses + excluded.uses, successes = procedures.successes + excluded.successes,
       steps = excluded.steps, content = excluded.content, metadata = procedures.metadata || excluded.metadata,
       embedding_model = excluded.embedding_model, dims = excluded.dims, embedding = excluded.embedding, updated_at = now()
     returning memory_id, (xmax = 0) as created`,
    [m.tenant, m.agentType, m.taskType, m.procedure, uses, successes, m.agentId, JSON.stringify(m.steps), m.content, JSON.stringify(m.metadata), e.model, e.dims, vectorLiteral(e.vector)],
  );
  const row = rows[0];
  if (!row) throw new Error('procedure upsert returned no row');
  return { memoryId: row.memory_id, created: row.created };
}

/** Adds one call's spend to the tenant's and agent's daily ledger. */
export async function recordUsage(client: pg.PoolClient, usage: EmbeddingUsage): Promise<void> {
  if (usage.requests === 0 && usage.cacheHits === 0) return;
  await client.query(
    `insert into embedding_usage (tenant_id, agent_id, model, day, requests, tokens, cache_hits, cost_usd)
     values ($1, $2, $3, current_date, $4, $5, $6, $7)
     on conflict (tenant_id, agent_id, model, day) do update set
       requests = embedding_usage.requests + excluded.requests, tokens = embedding_usage.tokens + excluded.tokens,
       cache_hits = embedding_usage.cache_hits + excluded.cache_hits, cost_usd = embedding_usage.cost_usd + excluded.cost_usd`,
    [usage.tenant, usage.agentId, usage.model, usage.requests, usage.tokens, usage.cacheHits, usage.costUsd],
  );
}
