import type pg from 'pg';
import type { MemoryFilters, MemoryHit, MemoryKind } from '../../core/memory/requests.js';
import { LruCache } from '../../core/memory/lru-cache.js';
import { planSearch, type SearchPlan } from '../../core/memory/search-plan.js';
import { vectorLiteral } from './tenant-tx.js';

/**
 * Similarity search over the three memory tables. Each table is searched on its own (so each can use its own
 * partial HNSW index, or an exact scan — see core/memory/search-plan.ts) and the hits are merged by similarity.
 */
interface KindTable {
  table: string;
  /** Columns every hit carries, in the same order for each kind. */
  select: string;
  /** Filters that exist only for this kind. */
  extra(filters: MemoryFilters, params: unknown[]): string[];
}

const KIND_TABLES: Record<MemoryKind, KindTable> = {
  episodic: {
    table: 'episodes',
    select: `memory_id, 'episodic' as kind, agent_id, agent_type, task_type, content, success, created_at,
      metadata || jsonb_build_object('taskId', task_id, 'procedure', procedure, 'outcome', outcome) as metadata`,
    extra(filters, params) {
      const where: string[] = [];
      if (filters.successOnly) where.push('success');
      if (filters.excludeTaskId) {
        params.push(filters.excludeTaskId);
        where.push(`task_id <> $${params.length}`);
      }
      return where;
    },
  },
  procedural: {
    table: 'procedures',
    select: `memory_id, 'procedural' as kind, agent_id, agent_type, task_type, content, null::boolean as success, created_at,
      metadata || jsonb_build_object('procedure', procedure, 'uses', uses, 'successes', successes, 'steps', steps) as metadata`,
    extra: () => [],
  },
  semantic: {
    table: 'semantic_memories',
    select: `memory_id, 'semantic' as kind, agent_id, agent_type, task_type, content, null::boolean as success, created_at, metadata`,
    extra: () => [],
  },
};

export interface SearchSettings {
  model: string;
  dims: number;
  exactScanMaxRows: number;
  /** Remembers scope sizes for a short while, so a steady stream of searches does not count rows each time. */
  scopeCounts?: LruCache<number>;
}

/** Scope sizes only steer the plan; one that is a few seconds old chooses the same plan. */
export function createScopeCounts(now: () => number = Date.now): LruCache<number> {
  return new LruCache<number>({ maxEntries: 10_000, ttlMs: 30_000, now });
}

interface HitRow {
  memory_id: string;
  kind: MemoryKind;
  agent_id: string;
  agent_type: string;
  task_type: string | null;
  content: string;
  success: boolean | null;
  created_at: Date;
  metadata: Record<string, unknown>;
  distance: number;
}

export interface SearchTrace {
  kind: MemoryKind;
  plan: SearchPlan['mode'];
  efSearch?: number;
  fellBackToExact: boolean;
}

function commonFilters(tenant: string, filters: MemoryFilters, settings: SearchSettings, params: unknown[]): string[] {
  // The explicit tenant filter and row-level security agree; either alone would already keep tenants apart.
  params.push(tenant, settings.dims, settings.model);
  const where = ['tenant_id = $2', 'dims = $3', 'embedding_model = $4'];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filters.agentId) add((n) => `agent_id = $${n}`, filters.agentId);
  if (filters.agentType) add((n) => `agent_type = $${n}`, filters.agentType);
  if (filters.excludeAgentType) add((n) => `agent_type <> $${n}`, filters.excludeAgentType);
  if (filters.taskType) add((n) => `task_type = $${n}`, filters.taskType);
  if (filters.since) add((n) => `created_at >= $${n}::timestamptz`, filters.since);
  if (filters.until) add((n) => `created_at <= $${n}::timestamptz`, filters.until);
  return where;
}

async function scopeRows(client: pg.PoolClient, table: string, tenant: string, settings: SearchSettings): Promise<number> {
  const key = `${table}\u0000${tenant}\u0000${settings.dims}`;
  const cached = settings.scopeCounts?.get(key);
  if (cached !== undefined) return cached;
  // Counting stops one past the exact-scan threshold when that settles the plan (an exact scan). It reads
  // only the (tenant, dims) index; rows of another model of the same size are counted too, which can only make
  // the plan choose the index (whose fallback keeps recall) a little early.
  const { rows } = await client.query<{ n: string }>(
    `select count(*) as n from (select 1 from ${table} where tenant_id = $1 and dims = $2 limit $3) s`,
    [tenant, settings.dims, settings.exactScanMaxRows + 1],
  );
  let count = Number(rows[0]?.n ?? 0);
  if (count > settings.exactScanMaxRows) {
    // The index path sizes ef_search by the tenant's share of the rows, so it needs the true size.
    const full = await client.query<{ n: string }>(`select count(*) as n from ${table} where tenant_id = $1 and dims = $2`, [tenant, settings.dims]);
    count = Number(full.rows[0]?.n ?? count);
  }
  settings.scopeCounts?.set(key, count);
  return count;
}

async function indexRows(client: pg.PoolClient, table: string): Promise<number> {
  // The planner's estimate is enough to size ef_search; a never-analysed table reports -1.
  const { rows } = await client.query<{ n: number }>(`select reltuples::float8 as n from pg_class where oid = $1::regclass`, [table]);
  return Math.max(0, rows[0]?.n ?? 0);
}

async function runQuery(client: pg.PoolClient, sql: string, params: unknown[], plan: SearchPlan): Promise<HitRow[]> {
  // Exact: no ordered index scan, so the HNSW index cannot be chosen and the tenant's rows are read and sorted.
  await client.query(`select set_config('enable_indexscan', $1, true), set_config('hnsw.ef_search', $2, true)`, [
    plan.mode === 'exact' ? 'off' : 'on',
    String(plan.mode === 'exact' ? 40 : plan.efSearch),
  ]);
  const { rows } = await client.query<HitRow>(sql, params);
  return rows;
}

export async function searchKinds(
  client: pg.PoolClient,
  tenant: string,
  query: number[],
  k: number,
  filters: MemoryFilters,
  settings: SearchSettings,
): Promise<{ hits: MemoryHit[]; trace: SearchTrace[] }> {
  if (query.length !== settings.dims) throw new Error(`query vector has ${query.length} dimensions, the model has ${settings.dims}`);
  const hits: MemoryHit[] = [];
  const trace: SearchTrace[] = [];
  for (const kind of filters.kinds) {
    const table = KIND_TABLES[kind];
    const params: unknown[] = [vectorLiteral(query)];
    const where = [...commonFilters(tenant, filters, settings, params), ...table.extra(filters, params)];
    params.push(k);
    const distance = `(embedding::vector(${settings.dims}) <=> $1::vector(${settings.dims}))`;
    const sql = `select ${table.select}, ${distance} as distance from ${table.table}
      where ${where.join(' and ')} order by ${distance} limit $${params.length}`;
    const scope = await scopeRows(client, table.table, tenant, settings);
    const exact = scope <= settings.exactScanMaxRows;
    const plan = planSearch({ k, scopeRows: scope, indexRows: exact ? scope : await indexRows(client, table.table), exactScanMaxRows: settings.exactScanMaxRows });
    let rows = await runQuery(client, sql, params, plan);
    let fellBack = false;
    if (plan.mode === 'index' && rows.length < k) {
      // The filter left fewer than k of the index's candidates: only an exact scan can tell whether more exist.
      rows = await runQuery(client, sql, params, { mode: 'exact' });
      fellBack = true;
    }
    trace.push({ kind, plan: plan.mode, efSearch: plan.mode === 'index' ? plan.efSearch : undefined, fellBackToExact: fellBack });
    for (const row of rows) {
      hits.push({
        memoryId: row.memory_id,
        kind: row.kind,
        agentId: row.agent_id,
        agentType: row.agent_type,
        taskType: row.task_type,
        content: row.content,
        metadata: row.metadata,
        success: row.success,
        similarity: 1 - Number(row.distance),
        createdAt: row.created_at.toISOString(),
      });
    }
  }
  const min = filters.minSimilarity;
  const kept = min === undefined ? hits : hits.filter((h) => h.similarity >= min);
  kept.sort((a, b) => b.similarity - a.similarity);
  return { hits: kept.slice(0, k), trace };
}
