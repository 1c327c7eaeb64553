import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import type { Role } from '../../api/auth/roles.js';
import { buildApi } from '../../api/server.js';
import { createMemoryActivities, type MemoryActivities } from '../../activities/memory/activities.js';
import { createLocalOnnxProvider } from '../../activities/memory/embeddings/local-onnx.js';
import { localModelDir } from '../../activities/memory/embeddings/select.js';
import { createEmbeddingService, type EmbeddingService } from '../../activities/memory/embeddings/service.js';
import { inTenant } from '../../activities/memory/tenant-tx.js';
import type { Db } from '../../infra/db/pool.js';
import { freshTenant, testDb } from '../support/stack.js';

/**
 * The memory routes against the real database and the real local embedding model. They never reach Temporal: the
 * API gets a lazy connection that is never opened.
 */
let db: Db;
let embeddings: EmbeddingService;
let memory: MemoryActivities;
let app: FastifyInstance;

beforeAll(async () => {
  db = testDb();
  embeddings = createEmbeddingService({ provider: await createLocalOnnxProvider(localModelDir(inject('antsHome'))) });
  memory = createMemoryActivities({ db, embeddings });
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  app = buildApi({ db, temporal, logLevel: 'silent', embeddings });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await embeddings?.close();
  await db?.end();
});

async function tenantWithKeys() {
  const id = freshTenant('memapi');
  await createTenant(db, id, 'memory API tests');
  const key = async (role: Role, name: string) => (await createApiKey(db, { tenant: id, name, role })).key;
  return { id, keys: { admin: await key('admin', 'ada'), viewer: await key('viewer', 'victor'), operator: await key('operator', 'olivia'), approver: await key('approver', 'alice') } };
}

const finance = { agentId: 'recon-1', agentType: 'finance.reconciliation' };
const security = { agentId: 'sec-1', agentType: 'security.triage' };

async function remember(tenant: string) {
  const stripe = await memory.storeMemory({
    tenant,
    ...finance,
    kind: 'episodic',
    taskId: 'stripe-tz',
    taskType: 'reconcile_payments',
    procedure: 'match-by-reference',
    outcome: 'completed',
    success: true,
    content: 'Stripe payout reconciliation was off by one day: settlement timestamps are in UTC while the ledger books in Europe/Berlin local time, so late-evening charges landed on the next day.',
  });
  await memory.storeMemory({ tenant, ...finance, kind: 'semantic', sourceKey: 'fee', content: 'Correspondent banks deduct wire fees, so incoming transfers can arrive a few euros short.' });
  await memory.storeMemory({ tenant, ...security, kind: 'semantic', sourceKey: 'ssh', content: 'Repeated failed SSH logins from one address are blocked at the firewall.' });
  return stripe.memoryId;
}

async function count(tenant: string): Promise<number> {
  return inTenant(db, tenant, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `select (select count(*) from episodes where tenant_id = $1) + (select count(*) from episodes_cold where tenant_id = $1)
            + (select count(*) from semantic_memories where tenant_id = $1) + (select count(*) from procedures where tenant_id = $1) as n`,
      [tenant],
    );
    return Number(rows[0]!.n);
  });
}

async function forget(key: string | undefined, payload?: unknown) {
  const response = await app.inject({
    method: 'DELETE',
    url: '/v1/memory',
    ...(payload !== undefined ? { payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) } } : { headers: key ? { authorization: `Bearer ${key}` } : {} }),
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

async function search(key: string, query: string) {
  const response = await app.inject({ method: 'GET', url: `/v1/memory/search?${query}`, headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, body: response.json<{ hits?: { memoryId: string; kind: string; content: string }[]; error?: { field?: string } }>() };
}

describe('GET /v1/memory/search', () => {
  it("returns the tenant's memory closest in meaning, and nothing of another tenant", async () => {
    const a = await tenantWithKeys();
    const b = await tenantWithKeys();
    const stripe = await remember(a.id);

    const found = await search(a.keys.viewer, new URLSearchParams({ q: 'Adyen settlement totals do not match the bank statement for payments made just before midnight', k: '2' }).toString());
    expect(found.status).toBe(200);
    expect(found.body.hits?.[0]?.memoryId).toBe(stripe);
    expect(found.body.hits).toHaveLength(2);

    const facts = await search(a.keys.viewer, new URLSearchParams({ q: 'brute force login attempts', kind: 'semantic', k: '1' }).toString());
    expect(facts.body.hits?.map((h) => h.content)).toEqual(['Repeated failed SSH logins from one address are blocked at the firewall.']);

    const other = await search(b.keys.admin, new URLSearchParams({ q: 'Stripe payout reconciliation off by one day' }).toString());
    expect(other).toEqual({ status: 200, body: { hits: [] } });
  });

  it('refuses a bad query with 400 and a missing key with 401', async () => {
    const a = await tenantWithKeys();
    expect((await search(a.keys.viewer, '')).status).toBe(400);
    expect((await search(a.keys.viewer, 'q=%20')).body.error?.field).toBe('q');
    expect((await search(a.keys.viewer, 'q=x&k=0')).body.error?.field).toBe('k');
    expect((await search(a.keys.viewer, 'q=x&kind=dreams')).body.error?.field).toBe('kind');
    expect((await search(a.keys.viewer, 'q=x&tenant=other')).body.error?.field).toBe('tenant');
    expect((await app.inject({ method: 'GET', url: '/v1/memory/search?q=x' })).statusCode).toBe(401);
  });
});

describe('DELETE /v1/memory', () => {
  it("forgets only in the key's own tenant: tenant B's admin removes nothing of tenant A", async () => {
    const a = await tenantWithKeys();
    const b = await tenantWithKeys();
    const stripe = await remember(a.id);
    const before = await count(a.id);
    expect(before).toBe(3);
    expect(await forget(b.keys.admin, { id: stripe })).toEqual({ status: 200, body: { tenant: b.id, scope: 'memory', deleted: 0 } });
    expect(await forget(b.keys.admin, { agentId: 'recon-1' })).toMatchObject({ status: 200, body: { deleted: 0 } });
    expect(await forget(b.keys.admin, { all: true })).toEqual({ status: 200, body: { tenant: b.id, scope: 'tenant', deleted: 0 } });
    expect(await forget(b.keys.admin, { all: true, tenant: a.id })).toMatchObject({ status: 400 });
    expect(await count(a.id)).toBe(before);
  });

  it('forgets by id, by agent, by agent type and everything, and audits each with its count', async () => {
    const a = await tenantWithKeys();
    const stripe = await remember(a.id);
    expect(await forget(a.keys.admin, { id: stripe })).toEqual({ status: 200, body: { tenant: a.id, scope: 'memory', deleted: 1 } });
    expect(await forget(a.keys.admin, { id: stripe })).toMatchObject({ body: { deleted: 0 } });
    expect(await forget(a.keys.admin, { agentType: 'security.triage' })).toMatchObject({ body: { scope: 'agentType', deleted: 1 } });
    expect(await forget(a.keys.admin, { agentId: 'recon-1' })).toMatchObject({ body: { scope: 'agent', deleted: 1 } });
    await remember(a.id);
    expect(await forget(a.keys.admin, { all: true })).toMatchObject({ body: { scope: 'tenant', deleted: 3 } });
    expect(await count(a.id)).toBe(0);

    const { rows } = await db.query<{ actor: string; details: Record<string, unknown> }>(
      `select actor, details from audit_log where tenant_id = $1 and kind = 'memory.forgotten' order by id`,
      [a.id],
    );
    expect(rows.map((r) => [r.details.scope, r.details.deleted])).toEqual([
      ['memory', 1],
      ['memory', 0],
      ['agentType', 1],
      ['agent', 1],
      ['tenant', 3],
    ]);
    expect(rows[0]).toMatchObject({ actor: 'ada', details: { via: 'api', memoryId: stripe, role: 'admin' } });
    expect(rows[2]!.details.agentType).toBe('security.triage');
  });

  it('is for admins only: viewer, operator and approver keys get 403 and nothing is forgotten', async () => {
    const a = await tenantWithKeys();
    await remember(a.id);
    for (const role of ['viewer', 'operator', 'approver'] as const) {
      const refused = await forget(a.keys[role], { all: true });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect((await forget(undefined, { all: true })).status).toBe(401);
    expect(await count(a.id)).toBe(3);
  });

  it('refuses bad input with 400 before forgetting anything', async () => {
    const a = await tenantWithKeys();
    await remember(a.id);
    const refusals = [{}, { id: 'not-a-uuid' }, { all: false }, { agentId: 'recon-1', all: true }, { agentType: '' }, { everything: true }];
    for (const body of refusals) {
      const refused = await forget(a.keys.admin, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'invalid_request' } });
    }
    const noBody = await forget(a.keys.admin);
    expect(noBody.status).toBe(400);
    const notJson = await app.inject({ method: 'DELETE', url: '/v1/memory', payload: '{"all":', headers: { 'content-type': 'application/json', authorization: `Bearer ${a.keys.admin}` } });
    expect(notJson.statusCode).toBe(400);
    expect(await count(a.id)).toBe(3);
    const { rows } = await db.query(`select 1 from audit_log where tenant_id = $1 and kind = 'memory.forgotten'`, [a.id]);
    expect(rows).toHaveLength(0);
  });
});
