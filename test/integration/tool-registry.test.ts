import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresToolRegistry } from '../../activities/tools/registry/postgres-registry.js';
import { ToolConflict, type Registration } from '../../activities/tools/registry/ports.js';
import { PROMOTION } from '../../core/tools/stats.js';
import { toolDraftSchema } from '../../core/tools/tool.js';
import { freshTenant, testDb } from '../support/stack.js';

const db = testDb();
afterAll(() => db.end());
const registry = createPostgresToolRegistry(db);

function draft(overrides: Partial<Registration> = {}): Registration {
  return {
    ...toolDraftSchema.parse({ name: 'payments.listCharges', description: 'List charges', code: 'function main(input) { return input; }', inputSchema: { type: 'object' } }),
    creator: 'api:alice',
    ...overrides,
  };
}

describe('the Postgres tool registry', () => {
  it('registers a new tool in testing as version 1; the same definition again is the same version, a new one is version 2', async () => {
    const tenant = freshTenant();
    const first = await registry.register(tenant, draft());
    expect(first).toMatchObject({ created: true, tool: { id: 'payments.listCharges@1', version: 1, status: 'testing', creator: 'api:alice' } });
    // Same definition, keys of the schema in another order: the same tool.
    const again = await registry.register(tenant, draft({ creator: 'api:bob' }));
    expect(again).toMatchObject({ created: false, tool: { id: 'payments.listCharges@1', creator: 'api:alice' } });
    const second = await registry.register(tenant, draft({ code: 'function main(input) { return { echo: input }; }' }));
    expect(second).toMatchObject({ created: true, tool: { id: 'payments.listCharges@2', version: 2 } });
    // A name resolves to its newest version while nothing is active.
    expect((await registry.resolve(tenant, 'payments.listCharges'))?.id).toBe('payments.listCharges@2');
    expect((await registry.resolve(tenant, 'payments.listCharges@1'))?.version).toBe(1);
  });

  it('versions of one name registered concurrently get distinct numbers', async () => {
    const tenant = freshTenant();
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => registry.register(tenant, draft({ code: `function main() { return ${n}; }` }))));
    expect(results.map((r) => r.tool.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('records each run once, keeps a moving success rate, and promotes testing → active after enough good runs', async () => {
    const tenant = freshTenant();
    const { tool } = await registry.register(tenant, draft());
    for (let n = 1; n < PROMOTION.minRuns; n += 1) {
      const run = await registry.recordRun(tenant, { runId: `run-${n}`, toolId: tool.id, ok: true, durationMs: 10 * n });
      expect(run).toMatchObject({ recorded: true, promoted: false, tool: { status: 'testing' } });
    }
    // A retried activity repeats its run id: nothing changes.
    const repeat = await registry.recordRun(tenant, { runId: 'run-3', toolId: tool.id, ok: false, durationMs: 1 });
    expect(repeat).toMatchObject({ recorded: false, tool: { stats: { runs: PROMOTION.minRuns - 1, successes: PROMOTION.minRuns - 1 } } });
    const last = await registry.recordRun(tenant, { runId: `run-${PROMOTION.minRuns}`, toolId: tool.id, ok: true, durationMs: 100 });
    expect(last).toMatchObject({ recorded: true, promoted: true, tool: { status: 'active', stats: { runs: 10, successes: 10, successRate: 1 } } });
    expect(last.tool.promotedAt).not.toBeNull();
    expect(last.tool.stats.avgDurationMs).toBeCloseTo(55, 5);
    // The name now resolves to the active version, even when a newer one is in testing.
    await registry.register(tenant, draft({ code: 'function main() { return 2; }' }));
    expect((await registry.resolve(tenant, 'payments.listCharges'))?.id).toBe(tool.id);
  });

  it('does not promote a tool whose recent runs fail, however many runs it has', async () => {
    const tenant = freshTenant();
    const { tool } = await registry.register(tenant, draft());
    let status = 'testing';
    for (let n = 0; n < 12; n += 1) status = (await registry.recordRun(tenant, { runId: `r${n}`, toolId: tool.id, ok: n % 3 !== 0, durationMs: 5 })).tool.status;
    expect(status).toBe('testing');
    const found = await registry.get(tenant, tool.id);
    expect(found?.stats.runs).toBe(12);
    expect(found?.stats.successRate).toBeLessThan(PROMOTION.minSuccessRate);
  });

  it('deprecates with a replacement, refuses replacements that are missing, deprecated or the tool itself', async () => {
    const tenant = freshTenant();
    const old = (await registry.register(tenant, draft())).tool;
    const replacement = (await registry.register(tenant, draft({ name: 'payments.listChargesV2' }))).tool;
    await expect(registry.deprecate(tenant, old.id, old.id)).rejects.toBeInstanceOf(ToolConflict);
    await expect(registry.deprecate(tenant, old.id, 'payments.missing@1')).rejects.toThrow(/no replacement tool/);
    const deprecated = await registry.deprecate(tenant, old.id, replacement.id);
    expect(deprecated).toMatchObject({ status: 'deprecated', replacementId: replacement.id });
    expect(deprecated.deprecatedAt).not.toBeNull();
    await expect(registry.deprecate(tenant, replacement.id, old.id)).rejects.toThrow(/deprecated itself/);
    // Resolution does not hide deprecation: callers see it and follow the replacement.
    expect((await registry.resolve(tenant, 'payments.listCharges'))?.status).toBe('deprecated');
  });

  it('searches by name, API, creator, status and level, sorted by usage or success', async () => {
    const tenant = freshTenant();
    const a = (await registry.register(tenant, draft({ name: 'crm.listLeads', api: 'crm', operationId: 'listLeads' }))).tool;
    const b = (await registry.register(tenant, draft({ name: 'crm.getLead', api: 'crm', operationId: 'getLead', creator: 'agent:x', level: 'MODERATE' }))).tool;
    await registry.register(tenant, draft({ name: 'billing.listInvoices', api: 'billing' }));
    for (let n = 0; n < 3; n += 1) await registry.recordRun(tenant, { runId: `b${n}`, toolId: b.id, ok: true, durationMs: 1 });
    await registry.recordRun(tenant, { runId: 'a0', toolId: a.id, ok: false, durationMs: 1 });
    expect((await registry.search(tenant, { api: 'crm', sort: 'usage' })).map((t) => t.name)).toEqual(['crm.getLead', 'crm.listLeads']);
    expect((await registry.search(tenant, { name: 'lead' })).length).toBe(2);
    expect((await registry.search(tenant, { creator: 'agent:x' })).map((t) => t.id)).toEqual([b.id]);
    expect((await registry.search(tenant, { level: 'MODERATE' })).map((t) => t.id)).toEqual([b.id]);
    expect((await registry.search(tenant, { sort: 'success', limit: 1 }))[0]?.id).toBe(b.id);
    // LIKE wildcards in the name filter are literal.
    expect(await registry.search(tenant, { name: '%' })).toEqual([]);
  });

  it("never shows or touches another tenant's tools", async () => {
    const mine = freshTenant();
    const theirs = freshTenant();
    const { tool } = await registry.register(theirs, draft());
    expect(await registry.get(mine, tool.id)).toBeUndefined();
    expect(await registry.resolve(mine, 'payments.listCharges')).toBeUndefined();
    expect(await registry.search(mine, {})).toEqual([]);
    await expect(registry.recordRun(mine, { runId: 'x', toolId: tool.id, ok: true, durationMs: 1 })).rejects.toBeInstanceOf(ToolConflict);
    await expect(registry.deprecate(mine, tool.id, null)).rejects.toBeInstanceOf(ToolConflict);
    // Same name in my tenant is my version 1, independent of theirs.
    expect((await registry.register(mine, draft())).tool.version).toBe(1);
  });
});
