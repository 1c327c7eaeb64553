import { CosmosClient } from '@azure/cosmos';
import { afterAll, describe, expect, it } from 'vitest';
import { awardId, slotId } from '../../activities/swarm/cosmos/documents.js';
import { createCosmosSwarmState, DEFAULT_SWARM_CONTAINER, ensureSwarmContainer } from '../../activities/swarm/cosmos/index.js';
import { InputError } from '../../core/validation.js';
import { describeSwarmStateContract, publishAgents, publishedAgent } from '../contract/swarm-state.contract.js';
import { masterKeySignature } from '../support/fakes/cosmos/auth.js';
import type { JsonDocument } from '../support/fakes/cosmos/documents.js';
import { startFakeCosmos } from '../support/fakes/cosmos/server.js';
import { freshTenant } from '../support/stack.js';

// Azure is out of reach from tests: the real CosmosClient talks to an in-process gateway speaking Cosmos DB's wire format.
const fake = await startFakeCosmos();
const client = new CosmosClient({ endpoint: fake.endpoint, key: fake.key, connectionPolicy: { enableBackgroundEndpointRefreshing: false } });
const DATABASE = 'ants';
const container = await ensureSwarmContainer(client, DATABASE);
afterAll(async () => {
  client.dispose();
  await fake.close();
});

const submittedAt = new Date().toISOString();
const onlyBid = (agentId: string) => [{ agentId, score: 1, eligible: true, reason: 'eligible' }];

describeSwarmStateContract('cosmos', () => {
  const state = createCosmosSwarmState(container);
  return { state, addAgents: (tenant, agentType, count, capacity) => publishAgents(state, tenant, agentType, count, capacity) };
});

/** The tenant's documents as the fake stores them. */
const stored = (tenant: string): JsonDocument[] => [...(fake.account.container(DATABASE, DEFAULT_SWARM_CONTAINER).partitions.get(JSON.stringify([tenant]))?.values() ?? [])];
const batchStatuses = (tenant: string) => fake.requests.filter((r) => r.operation === 'batch' && r.partitionKey === JSON.stringify([tenant])).map((r) => r.status);

/** Before the tenant's next batch reaches the store, another writer rewrites the agent's slot (its etag changes). */
function concurrentSlotWriter(tenant: string, agentId: string, change: (slot: JsonDocument) => JsonDocument): () => void {
  let done = false;
  const remove = fake.beforeApply((request) => {
    if (done || request.operation !== 'batch' || request.partitionKey !== JSON.stringify([tenant])) return;
    done = true;
    fake.rewrite(DATABASE, DEFAULT_SWARM_CONTAINER, tenant, slotId(agentId), change);
  });
  return remove;
}

describe('cosmos swarm state: what the adapter adds', () => {
  const state = createCosmosSwarmState({ client, databaseId: DATABASE });

  it('retries an award whose slot changed between its read and its write (412 on the stale etag)', async () => {
    const tenant = freshTenant('etag');
    const [agent = ''] = await publishAgents(state, tenant, 'hr.onboarding', 1, 2);
    const stop = concurrentSlotWriter(tenant, agent, (slot) => ({ ...slot, workMs: 5 }));
    try {
      expect(await state.award({ tenant, taskId: 'e-1', agentType: 'hr.onboarding', submittedAt, bids: onlyBid(agent) })).toMatchObject({ agentId: agent, existing: false });
    } finally {
      stop();
    }
    // The first batch was refused as a whole (207: the slot's 412, the award's 424), the re-read one went through.
    expect(batchStatuses(tenant).slice(-2)).toEqual([207, 200]);
    const slot = stored(tenant).find((d) => d.kind === 'slot');
    expect([slot?.open, slot?.workMs]).toEqual([1, 5]);
    expect(stored(tenant).filter((d) => d.kind === 'award').map((d) => d.taskId)).toEqual(['e-1']);

    // A release meets the same: it re-reads and frees the slot once, keeping the other writer's change.
    const stopAgain = concurrentSlotWriter(tenant, agent, (slot) => ({ ...slot, workMs: 7, workAt: Date.now() }));
    try {
      expect(await state.release(tenant, 'e-1', true)).toEqual({ agentId: agent, load: 0, capacity: 2 });
    } finally {
      stopAgain();
    }
    expect(batchStatuses(tenant).slice(-2)).toEqual([207, 200]);
    expect(stored(tenant).find((d) => d.kind === 'slot')?.open).toBe(0);
    expect(Number(stored(tenant).find((d) => d.kind === 'slot')?.workMs)).toBeGreaterThanOrEqual(7);
  });

  it('releases a task once when many releases race', async () => {
    const tenant = freshTenant('race');
    const [agent = ''] = await publishAgents(state, tenant, 'hr.onboarding', 1, 1);
    await state.award({ tenant, taskId: 'r-1', agentType: 'hr.onboarding', taskType: 'onboard', submittedAt, bids: onlyBid(agent) });
    const released = await Promise.all(Array.from({ length: 10 }, () => state.release(tenant, 'r-1', true)));
    expect(released.filter((r) => r !== null)).toEqual([{ agentId: agent, load: 0, capacity: 1 }]);
    expect(await state.history(tenant, 'hr.onboarding', 'onboard', [agent])).toEqual({ byAgent: new Map([[agent, { tasks: 1, successRate: 1 }]]), tasks: 1, successes: 1 });
  });

  it('leaves no award document behind when no bidder has room, also when the last slot goes while it writes', async () => {
    const tenant = freshTenant('noroom');
    const [agent = ''] = await publishAgents(state, tenant, 'hr.onboarding', 1, 1);
    expect(await state.award({ tenant, taskId: 'n-1', agentType: 'hr.onboarding', submittedAt, bids: onlyBid(agent) })).toMatchObject({ agentId: agent });
    expect(await state.award({ tenant, taskId: 'n-2', agentType: 'hr.onboarding', submittedAt, bids: onlyBid(agent) })).toBeNull();
    expect(await state.release(tenant, 'n-1', true)).toEqual({ agentId: agent, load: 0, capacity: 1 });
    // Someone else takes the freed slot between this award's read and its write: the retry finds it full.
    const stop = concurrentSlotWriter(tenant, agent, (slot) => ({ ...slot, open: 1 }));
    try {
      expect(await state.award({ tenant, taskId: 'n-3', agentType: 'hr.onboarding', submittedAt, bids: onlyBid(agent) })).toBeNull();
    } finally {
      stop();
    }
    expect(stored(tenant).filter((d) => d.kind === 'award').map((d) => d.taskId)).toEqual(['n-1']);
    expect((await container.item(awardId('n-3'), tenant).read()).statusCode).toBe(404);
  });

  it('keeps every tenant in its own partition: each document request names its tenant, no query crosses partitions', async () => {
    const [tenant, other] = [freshTenant('iso'), freshTenant('iso')];
    const from = fake.requests.length;
    const [mine = ''] = await publishAgents(state, tenant, 'crm.upsell', 1, 2);
    await publishAgents(state, other, 'crm.upsell', 1, 2);
    await state.award({ tenant, taskId: 'i-1', agentType: 'crm.upsell', submittedAt, bids: onlyBid(mine) });
    // The same agent id in the other tenant is that tenant's own agent: its slots are untouched by the first award.
    expect((await state.shortlist(other, 'crm.upsell', { limit: 5 })).held).toBe(0);
    await state.release(tenant, 'i-1', true);
    await state.metricsSample(tenant, new Date(0), 1000);
    await state.idleHelpers(tenant, 'hr.onboarding');
    await state.history(tenant, 'crm.upsell', 'any', [mine]);
    const documentRequests = fake.requests.slice(from).filter((r) => ['read', 'create', 'upsert', 'replace', 'delete', 'query', 'batch'].includes(r.operation));
    expect(documentRequests.length).toBeGreaterThan(10);
    expect(documentRequests.filter((r) => r.partitionKey === null || r.crossPartition)).toEqual([]);
    for (const t of [tenant, other]) expect(stored(t).every((d) => d.tenant === t)).toBe(true);
  });

  it('the gateway refuses a query that would cross partitions unless the request allows it', async () => {
    const date = new Date().toUTCString();
    const link = `dbs/${DATABASE}/colls/${DEFAULT_SWARM_CONTAINER}`;
    const response = await fetch(`${fake.endpoint}/${link}/docs`, {
      method: 'POST',
      headers: {
        authorization: encodeURIComponent(`type=master&ver=1.0&sig=${masterKeySignature(fake.key, 'POST', { type: 'docs', link }, date)}`),
        'x-ms-date': date,
        'x-ms-version': '2020-07-15',
        'x-ms-documentdb-isquery': 'True',
        'content-type': 'application/query+json',
      },
      body: JSON.stringify({ query: 'SELECT * FROM c', parameters: [] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/Cross partition query is required but disabled/);
  });

  it('checks its input as the Postgres adapter does', async () => {
    await expect(state.award({ tenant: 't', taskId: '', agentType: 'x', submittedAt, bids: [] })).rejects.toBeInstanceOf(InputError);
    await expect(state.shortlist('t', 'x', { limit: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(state.release('', 'task', true)).rejects.toThrow(/tenant/);
    await expect(state.publishAgent({ ...publishedAgent('t', 'x', 1), capacity: -1 })).rejects.toBeInstanceOf(InputError);
  });
});
