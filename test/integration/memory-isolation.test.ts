import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryActivities } from '../../activities/memory/activities.js';
import { type EmbeddingService } from '../../activities/memory/embeddings/service.js';
import { searchKinds } from '../../activities/memory/search.js';
import { inTenant, MEMORY_ROLE } from '../../activities/memory/tenant-tx.js';
import { memoryFilters } from '../../core/memory/requests.js';
import type { Db } from '../../infra/db/pool.js';
import { clusteredVectors, insertSynthetic, SYNTHETIC_MODEL } from '../../bench/memory/synthetic.js';
import { openLocalMemory, type LocalMemory } from '../support/memory.js';
import { freshTenant } from '../support/stack.js';

let db: Db;
let embeddings: EmbeddingService;
let memory: MemoryActivities;

let local: LocalMemory | undefined;

beforeAll(async () => {
  local = await openLocalMemory();
  ({ db, embeddings, memory } = local);
});

afterAll(async () => {
  await local?.close();
});

describe('memory: tenant isolation (row-level security + explicit filters)', () => {
  const secret = 'Acquirer settlement files for the Paris entity arrive at 02:00 UTC and are signed with key 7F3A.';

  it('never shows tenant B to tenant A, whatever the filters ask for', async () => {
    const a = freshTenant('iso-a');
    const b = freshTenant('iso-b');
    const stored = await memory.storeMemory({ tenant: b, agentId: 'agent-b', agentType: 'finance.reconciliation', kind: 'semantic', sourceKey: 'secret', content: secret });
    await memory.storeMemory({ tenant: a, agentId: 'agent-a', agentType: 'finance.reconciliation', kind: 'semantic', sourceKey: 'own', content: 'Our settlement files arrive in the morning.' });

    for (const filters of [{}, { agentId: 'agent-b' }, { agentType: 'finance.reconciliation' }, { kinds: ['semantic' as const] }, { minSimilarity: -1 }]) {
      const { hits } = await memory.searchMemory({ tenant: a, agentId: 'agent-a', query: secret, k: 100, filters });
      expect(hits.every((h) => h.agentId === 'agent-a')).toBe(true);
    }
    // Forgetting B's memory by its id from A's side deletes nothing; neither does forgetting B's agent.
    expect(await memory.forgetMemories({ scope: 'memory', tenant: a, memoryId: stored.memoryId })).toEqual({ deleted: 0 });
    expect(await memory.forgetMemories({ scope: 'agent', tenant: a, agentId: 'agent-b' })).toEqual({ deleted: 0 });
    // Crafted identifiers never reach SQL.
    await expect(memory.searchMemory({ tenant: a, agentId: 'x', query: 'q', filters: { agentId: "x' or tenant_id <> '" } })).rejects.toThrow();
    // Even our own search code, handed tenant B's id while the transaction is A's, finds nothing of B.
    const [vector] = (await embeddings.embed([secret], { tenant: a, agentId: 'test' })).vectors;
    const crossed = await inTenant(db, a, (client) =>
      searchKinds(client, b, vector!, 10, memoryFilters.parse({}), { model: embeddings.model, dims: embeddings.dims, exactScanMaxRows: 1000 }),
    );
    expect(crossed.hits).toEqual([]);
  });

  it('holds against raw SQL through the app role', async () => {
    const a = freshTenant('iso-a');
    const b = freshTenant('iso-b');
    await memory.storeMemory({ tenant: b, agentId: 'agent-b', agentType: 't', kind: 'semantic', sourceKey: 'secret', content: secret });
    await memory.storeMemory({ tenant: a, agentId: 'agent-a', agentType: 't', kind: 'semantic', sourceKey: 'own', content: 'A fact of tenant A.' });

    const role = await db.query<{ rolsuper: boolean; rolbypassrls: boolean }>('select rolsuper, rolbypassrls from pg_roles where rolname = $1', [MEMORY_ROLE]);
    expect(role.rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    const forced = await db.query<{ relname: string }>(
      `select relname from pg_class where relname = any($1) and relrowsecurity and relforcerowsecurity order by relname`,
      [['embedding_usage', 'episodes', 'episodes_cold', 'procedures', 'semantic_memories']],
    );
    expect(forced.rows.map((r) => r.relname)).toEqual(['embedding_usage', 'episodes', 'episodes_cold', 'procedures', 'semantic_memories']);

    await inTenant(db, a, async (client) => {
      const mine = await client.query('select tenant_id from semantic_memories');
      expect(mine.rows.every((r: { tenant_id: string }) => r.tenant_id === a)).toBe(true);
      expect((await client.query('select 1 from semantic_memories where tenant_id = $1', [b])).rowCount).toBe(0);
      expect((await client.query(`select 1 from semantic_memories where tenant_id = $1 or true`, [b])).rows.length).toBe(mine.rowCount);
      expect((await client.query(`update semantic_memories set content = 'pwned' where tenant_id = $1`, [b])).rowCount).toBe(0);
      expect((await client.query('delete from semantic_memories where tenant_id = $1', [b])).rowCount).toBe(0);
      await client.query('savepoint probe');
      await expect(
        client.query(`insert into semantic_memories (tenant_id, agent_id, agent_type, source_key, content) values ($1, 'x', 'x', 'planted', 'planted')`, [b]),
      ).rejects.toThrow(/row-level security/);
      await client.query('rollback to savepoint probe');
      await expect(client.query('alter table semantic_memories disable row level security')).rejects.toThrow(/must be owner/);
      await client.query('rollback to savepoint probe');
    });
    // Without a tenant in the transaction the app role sees nothing at all.
    const client = await db.connect();
    try {
      await client.query('begin');
      await client.query(`set local role ${MEMORY_ROLE}`);
      expect((await client.query('select 1 from semantic_memories')).rowCount).toBe(0);
      await client.query('rollback');
    } finally {
      client.release();
    }
    const intact = await db.query<{ content: string }>('select content from semantic_memories where tenant_id = $1', [b]);
    expect(intact.rows).toEqual([{ content: secret }]);
  });
});

describe('memory: filtered search keeps its recall (pgvector without iterative scans)', () => {
  it('matches an exact scan for a tenant holding an eighth of the rows, where a plain HNSW query loses results', async () => {
    const dims = 384;
    const model = `${SYNTHETIC_MODEL}-recall`;
    const tenants = Array.from({ length: 8 }, () => freshTenant('recall'));
    const space = clusteredVectors(dims, 40, 7);
    const perTenant = 250;
    for (const tenant of tenants) {
      const client = await db.connect();
      try {
        await insertSynthetic(client, tenant, Array.from({ length: perTenant }, () => space.next()), { dims, keyPrefix: 'v', model });
      } finally {
        client.release();
      }
    }
    await db.query('analyze semantic_memories');
    const target = tenants[3]!;
    const settings = { model, dims, exactScanMaxRows: 100 }; // the tenant is over the threshold: the index path runs
    const filters = memoryFilters.parse({ kinds: ['semantic'] });
    let matched = 0;
    let plainFound = 0;
    const queries = 15;
    for (let q = 0; q < queries; q += 1) {
      const query = space.next();
      const viaIndex = await inTenant(db, target, (c) => searchKinds(c, target, query, 10, filters, settings));
      expect(viaIndex.trace[0]?.plan).toBe('index');
      const exact = await inTenant(db, target, (c) => searchKinds(c, target, query, 10, filters, { ...settings, exactScanMaxRows: 1_000_000 }));
      expect(exact.trace[0]?.plan).toBe('exact');
      const truth = new Set(exact.hits.map((h) => h.memoryId));
      matched += viaIndex.hits.filter((h) => truth.has(h.memoryId)).length;
      // The same query with pgvector's default ef_search (40) and the filter applied after the index scan.
      plainFound += await inTenant(db, target, async (c) => {
        await c.query(`select set_config('hnsw.ef_search', '40', true)`);
        const plain = await c.query(
          `select memory_id from semantic_memories where tenant_id = $1 and dims = 384 and embedding_model = $2
            order by embedding::vector(384) <=> $3::vector(384) limit 10`,
          [target, model, `[${query.join(',')}]`],
        );
        return plain.rowCount ?? 0;
      });
    }
    const recall = matched / (queries * 10);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(plainFound / queries).toBeLessThan(10); // the plain query returns fewer than k rows: the filter cost recall
  });
});
