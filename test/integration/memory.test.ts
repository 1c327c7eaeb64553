import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryActivities, type MemoryActivities } from '../../activities/memory/activities.js';
import { embedPendingForAllTenants } from '../../activities/memory/backfill.js';
import { createFeatureHashingProvider } from '../../activities/memory/embeddings/feature-hashing.js';
import { createEmbeddingService, type EmbeddingService } from '../../activities/memory/embeddings/service.js';
import type { Db } from '../../infra/db/pool.js';
import { openLocalMemory, type LocalMemory } from '../support/memory.js';
import { freshTenant } from '../support/stack.js';

/**
 * The memory activities against the real PostgreSQL + pgvector and the real local model (all-MiniLM-L6-v2): texts
 * are realistic so that "a similar situation" means similar in meaning, not in words.
 */
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

const finance = { agentId: 'recon-1', agentType: 'finance.reconciliation' };
const security = { agentId: 'sec-1', agentType: 'security.triage' };

function episode(tenant: string, taskId: string, content: string, success = true, who = finance) {
  return memory.storeMemory({
    tenant,
    ...who,
    kind: 'episodic',
    taskId,
    taskType: who === finance ? 'reconcile_payments' : 'triage_alert',
    procedure: who === finance ? 'match-by-reference' : 'triage-by-signature',
    outcome: success ? 'completed' : 'failed',
    success,
    content,
  });
}

describe('memory: similar situations by meaning', () => {
  it('finds a timezone discrepancy in one processor when asked about another', async () => {
    const tenant = freshTenant('mem');
    await episode(tenant, 'stripe-tz', 'Stripe payout reconciliation was off by one day: settlement timestamps are in UTC while the ledger books in Europe/Berlin local time, so late-evening charges landed on the next day. Fixed by converting to UTC before matching.');
    await episode(tenant, 'fx-fee', 'A wire transfer arrived 2.35 EUR short because the correspondent bank deducted a fee; matched with an amount tolerance and booked the fee to bank charges.');
    await episode(tenant, 'dup-invoice', 'The vendor sent the same invoice twice with different numbers; the duplicate was detected by amount, date and vendor and voided.');
    await episode(tenant, 'ssh', 'Repeated failed SSH logins from one address were blocked at the firewall after confirming no valid account was targeted.', true, security);

    const { hits } = await memory.searchMemory({
      tenant,
      agentId: 'recon-2',
      query: 'Adyen settlement totals do not match the bank statement for transactions made just before midnight',
      k: 3,
    });
    expect(hits[0]?.metadata.taskId).toBe('stripe-tz');
    expect(hits[0]!.similarity).toBeGreaterThan(hits[1]!.similarity);
    expect(hits.map((h) => h.metadata.taskId)).not.toContain('ssh');
  });

  it('filters by kind, agent, agent type, time range and success', async () => {
    const tenant = freshTenant('mem');
    await episode(tenant, 'ok', 'Matched 120 card payments to invoices by reference after normalising whitespace in the references.');
    await episode(tenant, 'bad', 'Matching 80 card payments by reference failed: references were truncated by the acquirer.', false);
    await memory.storeMemory({ tenant, ...security, kind: 'semantic', sourceKey: 'fact-1', content: 'Card payment references from the acquirer are truncated to 18 characters.' });
    await memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'old', content: 'Card payments used to be settled weekly.', createdAt: '2020-01-01T00:00:00Z' });
    const query = 'card payments matched by reference';
    const search = (filters: object) => memory.searchMemory({ tenant, agentId: 'q', query, k: 10, filters }).then((r) => r.hits);

    expect((await search({ kinds: ['episodic'], successOnly: true })).map((h) => h.metadata.taskId)).toEqual(['ok']);
    expect((await search({ kinds: ['semantic'], agentType: 'security.triage' })).map((h) => h.agentId)).toEqual(['sec-1']);
    expect((await search({ agentId: 'sec-1' })).every((h) => h.agentId === 'sec-1')).toBe(true);
    expect((await search({ kinds: ['semantic'], until: '2021-01-01T00:00:00Z' })).map((h) => h.content)).toEqual(['Card payments used to be settled weekly.']);
    expect((await search({ kinds: ['semantic'], since: '2021-01-01T00:00:00Z' })).map((h) => h.content)).toHaveLength(1);
    expect((await search({ kinds: ['episodic'] })).map((h) => h.metadata.taskId).sort()).toEqual(['bad', 'ok']);
  });

  it('stores a long document as one memory embedded from overlapping chunks, found by a question about its end', async () => {
    const tenant = freshTenant('mem');
    const filler = Array.from({ length: 40 }, (_, i) => `Section ${i + 1} lists the quarterly close checklist for entity ${i + 1}, with owners and due dates.`).join(' ');
    const content = `${filler} Finally, intercompany balances between the German and the French entity must be eliminated before consolidation.`;
    expect(embeddings.chunk(content).length).toBeGreaterThan(2);
    const stored = await memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'close-handbook', content });
    await memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'unrelated', content: 'The office coffee machine is descaled every Friday.' });
    const { hits } = await memory.searchMemory({ tenant, agentId: 'q', query: 'quarterly close checklist and intercompany eliminations', k: 2 });
    expect(hits[0]?.memoryId).toBe(stored.memoryId);
    expect(stored.created).toBe(true);
    expect((await memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'close-handbook', content })).created).toBe(false);
  });
});

describe('memory: procedures and cross-agent learning', () => {
  it('ranks a task type procedures by success rate and lets another agent type find them by meaning', async () => {
    const tenant = freshTenant('mem');
    const learn = (procedure: string, steps: string[], outcomes: boolean[], who = finance) =>
      Promise.all(outcomes.map((success, i) =>
        memory.learnFromTask({
          task: { tenant, taskId: `${procedure}-${i}`, agentType: who.agentType, taskType: 'reconcile_payments' },
          input: { invoices: [{ id: `i-${i}`, amount: 100 }], payments: [{ id: `p-${i}`, amount: 100 }] },
          plan: { procedure, steps: steps.map((tool) => ({ tool, input: {} })), confidence: 0.9, rationale: 'test', reasoner: 'playbook' },
          outputs: [],
          success,
          outcome: success ? 'completed' : 'failed',
          impact: 'low',
        }),
      ));
    await learn('match-by-reference', ['finance.match_transactions'], [true, true, true, false]);
    await learn('match-by-amount-and-date', ['finance.match_by_amount'], [true, false, false]);
    await learn('fuzzy-match', ['finance.fuzzy_match'], [true, true], { agentId: 'audit-1', agentType: 'finance.audit' });

    const ranked = await memory.rankProcedures({ tenant, taskType: 'reconcile_payments' });
    expect(ranked.map((p) => [p.procedure, p.uses, p.successRate])).toEqual([
      ['fuzzy-match', 2, 1],
      ['match-by-reference', 4, 0.75],
      ['match-by-amount-and-date', 3, 1 / 3],
    ]);
    const own = await memory.rankProcedures({ tenant, taskType: 'reconcile_payments', agentType: 'finance.reconciliation' });
    expect(own.map((p) => p.procedure)).toEqual(['match-by-reference', 'match-by-amount-and-date']);

    const context = await memory.retrieveContext({
      task: { tenant, taskId: 'new', agentType: 'finance.reconciliation', taskType: 'reconcile_payments' },
      input: { invoices: [{ id: 'i-9', amount: 100 }], payments: [{ id: 'p-9', amount: 100 }] },
    });
    expect(context.procedures.map((p) => p.procedure)).toEqual(['match-by-reference', 'match-by-amount-and-date']);
    expect(context.sharedProcedures?.map((p) => [p.agentType, p.successRate])).toEqual([['finance.audit', 1]]);
    expect(context.similarEpisodes.length).toBeGreaterThan(0);
    expect(context.similarEpisodes.every((e) => e.success)).toBe(true);
  });

  it('learns once per task, and a person\'s comment becomes semantic memory that later tasks retrieve', async () => {
    const tenant = freshTenant('mem');
    const request = {
      task: { tenant, taskId: 'approved-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments' },
      input: { invoices: [{ id: 'inv-1', amount: 100, currency: 'EUR' }], payments: [{ id: 'pay-1', amount: 99.5, currency: 'EUR' }] },
      plan: { procedure: 'match-by-reference', steps: [{ tool: 'finance.match_transactions', input: {} }], confidence: 0.8, rationale: 'r', reasoner: 'playbook' },
      outputs: [],
      success: true,
      outcome: 'completed' as const,
      impact: 'medium' as const,
      humanDecision: 'approve' as const,
      humanComment: 'Differences under one euro are bank fees from our Sparkasse account; book them to bank charges.',
    };
    expect(await memory.learnFromTask(request)).toEqual({ recorded: true });
    expect(await memory.learnFromTask(request)).toEqual({ recorded: false });
    const counts = await db.query('select uses, successes from procedures where tenant_id = $1', [tenant]);
    expect(counts.rows).toEqual([{ uses: 1, successes: 1 }]);
    const facts = await db.query<{ content: string }>('select content from semantic_memories where tenant_id = $1', [tenant]);
    expect(facts.rows).toHaveLength(1);
    expect(facts.rows[0]!.content).toMatch(/bank fees/);

    const context = await memory.retrieveContext({
      task: { tenant, taskId: 'next', agentType: 'finance.reconciliation', taskType: 'reconcile_payments' },
      input: { invoices: [{ id: 'inv-7', amount: 250, currency: 'EUR' }], payments: [{ id: 'pay-7', amount: 249.4, currency: 'EUR' }] },
    });
    expect(context.similarEpisodes.map((e) => e.taskId)).toEqual(['approved-1']);
    expect(context.knowledge?.[0]?.content).toMatch(/bank fees/);
    const usage = await db.query<{ agent_id: string; requests: string }>('select agent_id, requests from embedding_usage where tenant_id = $1', [tenant]);
    expect(usage.rows.map((r) => r.agent_id)).toEqual(['finance.reconciliation']);
  });
});

describe('memory: forgetting and tiering', () => {
  it('forgets one memory, one agent, then the whole tenant, cold tier included', async () => {
    const tenant = freshTenant('mem');
    const other = freshTenant('mem');
    const first = await episode(tenant, 'a', 'Reconciled the March card settlements.');
    await memory.storeMemory({ tenant, ...finance, kind: 'episodic', taskId: 'b', taskType: 'reconcile_payments', procedure: 'p', outcome: 'completed', success: true, content: 'Reconciled the April card settlements.', createdAt: '2024-04-30T00:00:00Z' });
    await episode(tenant, 'c', 'Blocked a brute-force login attempt.', true, security);
    await episode(other, 'x', 'Reconciled the March card settlements.');
    await memory.storeMemory({ tenant, ...security, kind: 'semantic', sourceKey: 's', content: 'Port 22 is closed to the internet.' });

    expect(await memory.forgetMemories({ scope: 'memory', tenant, memoryId: first.memoryId })).toEqual({ deleted: 1 });
    expect(await memory.forgetMemories({ scope: 'memory', tenant: other, memoryId: first.memoryId })).toEqual({ deleted: 0 });
    expect(await memory.forgetMemories({ scope: 'agent', tenant, agentId: 'sec-1' })).toEqual({ deleted: 2 });
    expect(await memory.tierEpisodes({ tenant, olderThanDays: 30 })).toEqual({ moved: 1 });
    expect((await db.query('select task_id from episodes_cold where tenant_id = $1', [tenant])).rows).toEqual([{ task_id: 'b' }]);
    expect(await memory.forgetMemories({ scope: 'tenant', tenant })).toEqual({ deleted: 1 });
    for (const table of ['episodes', 'episodes_cold', 'procedures', 'semantic_memories', 'embedding_usage']) {
      expect((await db.query(`select 1 from ${table} where tenant_id = $1`, [tenant])).rowCount).toBe(0);
    }
    expect((await db.query('select 1 from episodes where tenant_id = $1', [other])).rowCount).toBe(1);
  });

  it('moves episodes older than the configured age to the cold table, where search no longer finds them', async () => {
    const tenant = freshTenant('mem');
    await memory.storeMemory({ tenant, ...finance, kind: 'episodic', taskId: 'old', taskType: 'reconcile_payments', procedure: 'p', outcome: 'completed', success: true, content: 'Reconciled the 2023 year-end card settlements.', createdAt: '2024-01-05T00:00:00Z' });
    await episode(tenant, 'new', 'Reconciled this week\'s card settlements.');
    expect(await memory.tierEpisodes({ tenant, olderThanDays: 90 })).toEqual({ moved: 1 });
    expect(await memory.tierEpisodes({ tenant, olderThanDays: 90 })).toEqual({ moved: 0 });
    const cold = await db.query('select task_id from episodes_cold where tenant_id = $1', [tenant]);
    expect(cold.rows).toEqual([{ task_id: 'old' }]);
    const { hits } = await memory.searchMemory({ tenant, agentId: 'q', query: 'year-end card settlements', k: 5, filters: { kinds: ['episodic'] } });
    expect(hits.map((h) => h.metadata.taskId)).toEqual(['new']);
  });
});

describe('memory: models, dimensions and earlier rows', () => {
  it('keeps each model\'s vectors apart, each dimension on its own HNSW index', async () => {
    const tenant = freshTenant('mem');
    const wide = createMemoryActivities({ db, embeddings: createEmbeddingService({ provider: createFeatureHashingProvider(1536) }) });
    await memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'small', content: 'Chargebacks are answered within seven days.' });
    await wide.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'wide', content: 'Chargebacks are answered within seven days.' });
    const rows = await db.query('select source_key, dims, embedding_model from semantic_memories where tenant_id = $1 order by dims', [tenant]);
    expect(rows.rows).toEqual([
      { source_key: 'small', dims: 384, embedding_model: 'all-MiniLM-L6-v2' },
      { source_key: 'wide', dims: 1536, embedding_model: 'feature-hashing-v1-1536' },
    ]);
    expect((await memory.searchMemory({ tenant, agentId: 'q', query: 'chargebacks' })).hits.map((h) => h.metadata)).toHaveLength(1);
    expect((await wide.searchMemory({ tenant, agentId: 'q', query: 'chargebacks' })).hits).toHaveLength(1);
    for (const dims of [384, 1536]) {
      const client = await db.connect();
      try {
        await client.query('begin');
        await client.query('set local enable_seqscan = off; set local enable_bitmapscan = off');
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `explain select memory_id from semantic_memories where dims = ${dims} order by embedding::vector(${dims}) <=> $1::vector(${dims}) limit 5`,
          [`[${new Array<number>(dims).fill(0.1).join(',')}]`],
        );
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(`Index Scan using semantic_hnsw_${dims}`);
        await client.query('rollback');
      } finally {
        client.release();
      }
    }
  });

  it('embeds rows written before vector memory existed', async () => {
    const tenant = freshTenant('mem');
    // What migration 002 leaves of a foundation-era episode: a description, no embedding yet.
    await db.query(
      `insert into episodes (tenant_id, task_id, agent_id, agent_type, task_type, procedure, input_shape, situation, actions, outcome, success, content)
       values ($1, 'legacy', 'finance.reconciliation', 'finance.reconciliation', 'reconcile_payments', 'match-by-reference', '', '{}', '[]', 'completed', true,
               'Task of type reconcile_payments: matched card settlements against the ledger.')`,
      [tenant],
    );
    expect(await embedPendingForAllTenants(db, memory)).toBeGreaterThanOrEqual(1);
    expect(await memory.embedPendingMemories({ tenant })).toEqual({ embedded: 0 });
    const { hits } = await memory.searchMemory({ tenant, agentId: 'q', query: 'card settlements matched to the ledger' });
    expect(hits.map((h) => h.metadata.taskId)).toEqual(['legacy']);
  });
});

describe('memory: bad input', () => {
  it('refuses empty content, an unknown kind and a malformed id before writing anything', async () => {
    const tenant = freshTenant('mem');
    await expect(memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'k', content: '   ' })).rejects.toThrow(/must not be empty/);
    await expect(memory.storeMemory({ tenant, ...finance, kind: 'dream', sourceKey: 'k', content: 'x' } as never)).rejects.toThrow();
    await expect(memory.forgetMemories({ scope: 'memory', tenant, memoryId: 'not-a-uuid' })).rejects.toThrow();
    await expect(memory.searchMemory({ tenant: "a' or 1=1 --", agentId: 'q', query: 'x' })).rejects.toThrow();
    expect((await db.query('select 1 from semantic_memories where tenant_id = $1', [tenant])).rowCount).toBe(0);
  });
});
