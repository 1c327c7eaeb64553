import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { createLocalOnnxProvider } from '../../activities/memory/embeddings/local-onnx.js';
import { createConfiguredEmbeddings, localModelDir } from '../../activities/memory/embeddings/select.js';
import { createEmbeddingService } from '../../activities/memory/embeddings/service.js';
import { createScopeCounts, searchKinds } from '../../activities/memory/search.js';
import { inTenant } from '../../activities/memory/tenant-tx.js';
import { memoryFilters } from '../../core/memory/requests.js';
import { loadConfig } from '../../infra/config.js';
import { migrate } from '../../infra/db/migrate.js';
import { createDb, type Db } from '../../infra/db/pool.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startEmbeddedPostgres } from '../../scripts/stack/postgres.js';
import { readToolchain } from '../../scripts/stack/toolchain.js';
import { seededRandom } from '../../core/random.js';
import { clusteredVectors, insertSynthetic, SYNTHETIC_MODEL } from './synthetic.js';

/*
 * Vector memory on the bundled PostgreSQL + pgvector: N vectors spread over T tenants; top-10 latency and recall@10
 * of each search path against an exact scan run side by side on the same data, with and without a tenant filter;
 * insert throughput with the HNSW index in place; the embedding cache's hit rate on a repeated workload.
 *   npm run bench:memory [-- --vectors 100000 --tenants 20 --queries 100 --dims 384,1536]
 * It uses a fresh database cluster of its own, removed at the end.
 */
function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

function listArg(name: string, fallback: number[]): number[] {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const values = (process.argv[index + 1] ?? '').split(',').map(Number);
  if (values.some((v) => ![384, 768, 1536].includes(v))) throw new Error(`--${name} takes dimensions among 384, 768, 1536`);
  return values;
}

interface Latency {
  p50Ms: number;
  p99Ms: number;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (v: number) => Math.round(v * 100) / 100;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

interface Row {
  dims: number;
  path: string;
  filter: string;
  p50Ms: number;
  p99Ms: number;
  recallAt10: number;
}

const vectorText = (v: number[]) => `[${v.join(',')}]`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

async function asOwner<T>(db: Db, settings: Record<string, string>, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('begin');
    for (const [key, value] of Object.entries(settings)) await client.query('select set_config($1, $2, true)', [key, value]);
    const result = await work(client);
    await client.query('commit');
    return result;
  } finally {
    client.release();
  }
}

async function benchDimension(db: Db, dims: number, vectors: number, tenants: string[], queries: number, rows: Row[]): Promise<{ loadPerSec: number; indexBuildS: number; onlineInsertPerSec: number }> {
  const model = `${SYNTHETIC_MODEL}-${dims}`;
  const space = clusteredVectors(dims, Math.max(20, Math.round(vectors / 250)), dims);
  const perTenant = Math.floor(vectors / tenants.length);
  // Bulk load without the index, then build it (how a migration or restore loads), and time both.
  await db.query(`drop index if exists semantic_hnsw_${dims}`);
  const load = await timed(async () => {
    for (const tenant of tenants) {
      const client = await db.connect();
      try {
        await insertSynthetic(client, tenant, Array.from({ length: perTenant }, () => space.next()), { dims, keyPrefix: 'bulk', model });
      } finally {
        client.release();
      }
    }
  });
  const build = await timed(() =>
    asOwner(db, { maintenance_work_mem: '1GB', max_parallel_maintenance_workers: '1' }, (c) =>
      c.query(`create index semantic_hnsw_${dims} on semantic_memories using hnsw ((embedding::vector(${dims})) vector_cosine_ops) where dims = ${dims}`),
    ),
  );
  // What autovacuum would have done by now: statistics for the planner, a visibility map for index-only counts.
  await db.query('vacuum analyze semantic_memories');
  // Online inserts, one memory per statement, with the index maintained (what Learn does).
  const online = 300;
  const insert = await timed(async () => {
    for (let i = 0; i < online; i += 1) {
      await db.query(
        `insert into semantic_memories (tenant_id, agent_id, agent_type, source_key, content, embedding_model, dims, embedding) values ($1, 'a', 'a', $2, 'x', $3, $4, $5::vector)`,
        [tenants[i % tenants.length], `online-${i}`, model, dims, vectorText(space.next())],
      );
    }
  });

  const target = tenants[0]!;
  const filters = memoryFilters.parse({ kinds: ['semantic'] });
  // As the memory activities do: scope sizes remembered for a few seconds.
  const settings = { model, dims, exactScanMaxRows: 20_000, scopeCounts: createScopeCounts() };
  const sample = Array.from({ length: queries }, () => space.next());
  const distance = `embedding::vector(${dims}) <=> $1::vector(${dims})`;
  const series: Record<string, { ms: number[]; ids: string[][] }> = {};
  const record = (name: string, ms: number, ids: string[]) => {
    series[name] ??= { ms: [], ids: [] };
    series[name].ms.push(ms);
    series[name].ids.push(ids);
  };
  const idsOf = (r: { rows: Array<{ memory_id: string }> }) => r.rows.map((x) => x.memory_id);
  for (const query of sample) {
    const q = vectorText(query);
    // Without a tenant filter: HNSW (ef_search 40, the default, and 100) vs exact.
    for (const ef of [40, 100]) {
      const t = await timed(() => asOwner(db, { 'hnsw.ef_search': String(ef) }, (c) => c.query<{ memory_id: string }>(`select memory_id from semantic_memories where dims = ${dims} order by ${distance} limit 10`, [q])));
      record(`hnsw ef=${ef}|none`, t.ms, idsOf(t.value));
    }
    const exactAll = await timed(() => asOwner(db, { enable_indexscan: 'off' }, (c) => c.query<{ memory_id: string }>(`select memory_id from semantic_memories where dims = ${dims} order by ${distance} limit 10`, [q])));
    record('exact scan|none', exactAll.ms, idsOf(exactAll.value));
    // With the tenant filter: the memory search (RLS, plan by scope size), the same forced onto the index with a
    // raised ef_search, a plain HNSW query that filters afterwards, and the exact scan.
    const planned = await timed(() => inTenant(db, target, (c) => searchKinds(c, target, query, 10, filters, settings)));
    record('memory search (planned)|tenant', planned.ms, planned.value.hits.map((h) => h.memoryId));
    const forced = await timed(() => inTenant(db, target, (c) => searchKinds(c, target, query, 10, filters, { ...settings, exactScanMaxRows: 0, scopeCounts: undefined })));
    record('memory search (index, raised ef)|tenant', forced.ms, forced.value.hits.map((h) => h.memoryId));
    const plain = await timed(() => asOwner(db, { 'hnsw.ef_search': '40' }, (c) => c.query<{ memory_id: string }>(`select memory_id from semantic_memories where dims = ${dims} and tenant_id = $2 order by ${distance} limit 10`, [q, target])));
    record('plain hnsw + filter (ef=40)|tenant', plain.ms, idsOf(plain.value));
    const exactTenant = await timed(() => asOwner(db, { enable_indexscan: 'off' }, (c) => c.query<{ memory_id: string }>(`select memory_id from semantic_memories where dims = ${dims} and tenant_id = $2 order by ${distance} limit 10`, [q, target])));
    record('exact scan|tenant', exactTenant.ms, idsOf(exactTenant.value));
  }
  for (const [key, { ms, ids }] of Object.entries(series)) {
    const [path, filter] = key.split('|') as [string, string];
    const truth = series[`exact scan|${filter}`]!.ids;
    const found = ids.reduce((sum, got, i) => sum + got.filter((id) => truth[i]!.includes(id)).length, 0);
    const expected = truth.reduce((sum, t) => sum + t.length, 0);
    rows.push({ dims, path, filter, ...latency(ms), recallAt10: Math.round((found / Math.max(1, expected)) * 1000) / 1000 });
  }
  return { loadPerSec: Math.round((perTenant * tenants.length) / (load.ms / 1000)), indexBuildS: Math.round(build.ms / 100) / 10, onlineInsertPerSec: Math.round(online / (insert.ms / 1000)) };
}

/** A support desk's repeated questions: a few hundred distinct texts, asked with a skewed (Zipf-like) frequency. */
async function benchCache(antsHome: string, requests: number): Promise<{ requests: number; distinct: number; hitRate: number; cachedMs: number; uncachedMs: number }> {
  const subjects = ['card settlement', 'wire transfer', 'refund', 'chargeback', 'payout', 'invoice', 'direct debit', 'FX conversion'];
  const problems = ['is off by one day', 'is short by a bank fee', 'was booked twice', 'is missing a reference', 'does not match the statement'];
  const processors = ['Stripe', 'Adyen', 'PayPal', 'Worldpay', 'Checkout.com', 'Klarna', 'Mollie'];
  const texts = subjects.flatMap((s) => problems.flatMap((p) => processors.map((proc) => `The ${proc} ${s} ${p}.`)));
  const random = seededRandom(42);
  const workload = Array.from({ length: requests }, () => texts[Math.floor(texts.length * random() ** 3)]!);
  const provider = await createLocalOnnxProvider(localModelDir(antsHome));
  try {
    const cached = createEmbeddingService({ provider });
    const uncached = createEmbeddingService({ provider, cacheMaxEntries: 1, cacheTtlMs: 1 });
    const who = { tenant: 'bench', agentId: 'bench' };
    const cachedRun = await timed(async () => {
      for (const text of workload) await cached.embed([text], who);
    });
    const uncachedRun = await timed(async () => {
      for (const text of workload) await uncached.embed([text], who);
    });
    const stats = cached.cacheStats();
    return {
      requests,
      distinct: new Set(workload).size,
      hitRate: Math.round((stats.hits / (stats.hits + stats.misses)) * 1000) / 1000,
      cachedMs: Math.round(cachedRun.ms),
      uncachedMs: Math.round(uncachedRun.ms),
    };
  } finally {
    await provider.close?.();
  }
}

async function main(): Promise<void> {
  const vectors = numberArg('vectors', 100_000);
  const tenantCount = numberArg('tenants', 20);
  const queries = numberArg('queries', 100);
  const dimsList = listArg('dims', [384]);
  const config = loadConfig();
  // Fail before loading anything when the configured embedder cannot start.
  await (await createConfiguredEmbeddings({ ...config, ANTS_EMBEDDING_PROVIDER: 'local' })).close();
  const toolchain = readToolchain(config.antsHome);
  const dir = join(config.antsHome, 'bench', `memory-pg-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const postgres = config.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ installDir: toolchain.postgresInstallDir ?? '', dir, port: await freePort(), database: 'ants_bench_memory' });
  const db = createDb(config.DATABASE_URL ?? postgres?.url ?? '', 4, 'ants-bench-memory');
  const rows: Row[] = [];
  const loads: Array<{ dims: number; loadPerSec: number; indexBuildS: number; onlineInsertPerSec: number }> = [];
  try {
    await migrate(db);
    const tenants = Array.from({ length: tenantCount }, (_, i) => `bench-${i}-${process.pid}`);
    for (const dims of dimsList) loads.push({ dims, ...(await benchDimension(db, dims, vectors, tenants, queries, rows)) });
    const cache = await benchCache(config.antsHome, 600);

    process.stdout.write(`\nvector memory: ${vectors} vectors, ${tenantCount} tenants (${Math.floor(vectors / tenantCount)} each), ${queries} queries, top-10\n`);
    process.stdout.write(`${'dims'.padEnd(6)}${'path'.padEnd(40)}${'filter'.padEnd(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'recall@10'.padStart(11)}\n`);
    for (const r of rows) {
      process.stdout.write(`${String(r.dims).padEnd(6)}${r.path.padEnd(40)}${r.filter.padEnd(8)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms.toFixed(2).padStart(9)}${r.recallAt10.toFixed(3).padStart(11)}\n`);
    }
    for (const l of loads) {
      process.stdout.write(`${l.dims}-d: bulk load ${l.loadPerSec} rows/s, HNSW build ${l.indexBuildS} s, online insert with index ${l.onlineInsertPerSec} rows/s\n`);
    }
    process.stdout.write(`embedding cache: ${cache.requests} requests over ${cache.distinct} distinct texts, hit rate ${cache.hitRate}, ${cache.cachedMs} ms cached vs ${cache.uncachedMs} ms uncached (${(cache.uncachedMs / Math.max(1, cache.cachedMs)).toFixed(1)}x)\n`);
    process.stdout.write(`\n${JSON.stringify({ bench: 'memory', vectors, tenants: tenantCount, queries, rows, loads, cache }, null, 2)}\n`);
  } finally {
    await db.end();
    if (postgres?.startedHere) await postgres.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
