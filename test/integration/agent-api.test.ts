import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSnapshotStore } from '../../activities/lifecycle/snapshots.js';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { buildApi } from '../../api/server.js';
import type { AgentStateView } from '../../core/agents/agent.js';
import { agentScheduleId } from '../../core/agents/ids.js';
import type { Db } from '../../infra/db/pool.js';
import { startLifecyclePools, type InProcessPools } from '../../workers/in-process.js';
import { stateQuery } from '../../workflows/agent/messages.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { workflowBundle } from '../support/workers.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let app: FastifyInstance;

beforeAll(async () => {
  env = await startLocalTemporal();
  db = testDb();
  pools = await startLifecyclePools(env.nativeConnection, env.namespace ?? 'default', db, {
    workflowBundle: await workflowBundle(),
    snapshots: createLocalSnapshotStore(mkdtempSync(join(tmpdir(), 'ants-agent-api-'))),
    temporalClient: env.client,
  });
  app = buildApi({ db, temporal: env.client, logLevel: 'silent' });
});

afterAll(async () => {
  await app?.close();
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

async function operatorKey(): Promise<{ tenant: string; key: string }> {
  const tenant = freshTenant('agents');
  await createTenant(db, tenant, 'Agent API tests');
  return { tenant, key: (await createApiKey(db, { tenant, name: 'olga', role: 'operator' })).key };
}

async function call(key: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await app.inject({ method, url, payload: payload as Record<string, unknown> | undefined, headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

async function agentState(tenant: string, agentType: string, instance: number): Promise<AgentStateView> {
  return env.client.workflow.getHandle(`agent:${tenant}:${agentType}:${instance}`).query(stateQuery);
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('agent repository API', () => {
  it('filters and ranks the repository', async () => {
    const { key } = await operatorKey();
    const finance = await call(key, 'GET', '/v1/agents/repository?department=finance&capability=reconciliation');
    expect(finance.status).toBe(200);
    expect(finance.body).toMatchObject({ count: 1, agents: [{ agentType: 'finance.reconciliation', executable: true }] });
    const retail = await call(key, 'GET', '/v1/agents/repository?industry=retail');
    expect(retail.body.count).toBe(6);
    const search = await call(key, 'GET', '/v1/agents/repository/search?q=inventory%20optimization&limit=3');
    const results = search.body.results as Array<{ agent: { agentType: string }; score: number }>;
    expect(results.slice(0, 2).map((r) => r.agent.agentType).sort()).toEqual(['retail.inventory', 'supply_chain.inventory']);
    expect((await call(key, 'GET', '/v1/agents/repository?colour=red')).status).toBe(400);
    expect((await call(key, 'GET', '/v1/agents/repository/search')).status).toBe(400);
  });
});

describe('deploy, activation and costs', () => {
  it('refuses a bad cron or timezone or an unknown type with 400 and writes nothing', async () => {
    const { tenant, key } = await operatorKey();
    const badCron = await call(key, 'POST', '/v1/agents/deploy', { agentType: 'retail.inventory', schedule: { cron: '0 25 * * *', timezone: 'UTC' } });
    expect(badCron.status).toBe(400);
    const badZone = await call(key, 'POST', '/v1/agents/deploy', { agentType: 'retail.inventory', schedule: { cron: '0 9 * * 1-5', timezone: 'Mars/Olympus' } });
    expect(badZone).toMatchObject({ status: 400, body: { error: { field: 'schedule.timezone' } } });
    expect((await call(key, 'POST', '/v1/agents/deploy', { agentType: 'retail.nothing' })).status).toBe(400);
    const rows = await db.query('select 1 from agent_deployments where tenant_id = $1 union all select 1 from agents where tenant_id = $1', [tenant]);
    expect(rows.rowCount).toBe(0);
  });

  it('deploys with a Schedule that wakes an agent, wakes by API and by event, and prices every agent', async () => {
    const { tenant, key } = await operatorKey();
    const deployed = await call(key, 'POST', '/v1/agents/deploy', {
      agentType: 'retail.inventory',
      lifecycle: 'business_hours',
      schedule: { cron: '0 9-17 * * 1-5', timezone: 'America/New_York' },
      warmInstances: 1,
      maxInstances: 3,
      resources: { cpu: '2', memory: '4Gi' },
    });
    expect(deployed).toMatchObject({ status: 201, body: { tenant, agentType: 'retail.inventory', tier: 'business_hours', created: true, agents: ['retail.inventory-1'] } });
    const schedule = await env.client.schedule.getHandle(agentScheduleId(tenant, 'retail.inventory')).describe();
    expect(schedule.spec.timezone).toBe('America/New_York');
    await eventually(async () => (await agentState(tenant, 'retail.inventory', 1)).state === 'IDLE', 'the warm instance to be up');

    // The warm instance has room, so a scheduled tick keeps it up rather than starting another.
    await env.client.schedule.getHandle(agentScheduleId(tenant, 'retail.inventory')).trigger();
    await eventually(async () => (await agentState(tenant, 'retail.inventory', 1)).memory?.wakeReasons?.toString().includes('schedule') ?? false, 'the schedule tick');

    const woken = await call(key, 'POST', '/v1/agents/wake', { agentType: 'retail.inventory', reason: 'user_request', keepAliveMinutes: 60 });
    expect(woken).toMatchObject({ status: 202, body: { agentId: 'retail.inventory-1', started: false } });
    expect((await call(key, 'POST', '/v1/agents/wake', { agentType: 'finserv.kyc' })).status).toBe(404);

    // inventory.critical_low is a default trigger of retail.inventory.
    const event = await call(key, 'POST', '/v1/events', { eventId: 'ev-1', type: 'inventory.critical_low', payload: { sku: 'A-1' } });
    expect(event).toMatchObject({ status: 202, body: { duplicate: false, woke: [{ agentId: 'retail.inventory-1' }] } });
    const again = await call(key, 'POST', '/v1/events', { eventId: 'ev-1', type: 'inventory.critical_low' });
    expect(again.body).toMatchObject({ duplicate: true, woke: [{ agentId: 'retail.inventory-1' }] });
    await eventually(async () => {
      const reasons = (await agentState(tenant, 'retail.inventory', 1)).memory?.wakeReasons;
      return Array.isArray(reasons) && reasons.includes('user_request') && reasons.includes('event:inventory.critical_low');
    }, 'API and event wakes');

    const costs = await call(key, 'GET', '/v1/agents/retail.inventory-1/costs');
    expect(costs).toMatchObject({ status: 200, body: { agentId: 'retail.inventory-1', state: 'IDLE', llmBasis: 'estimated' } });
    const totals = await call(key, 'GET', '/v1/agents/costs');
    expect(totals.body).toMatchObject({ tenant, agents: 1, byState: { IDLE: 1 } });
    expect((await call(key, 'GET', '/v1/agents/retail.inventory-9/costs')).status).toBe(404);

    const undeployed = await call(key, 'POST', '/v1/agents/deployments/retail.inventory/undeploy');
    expect(undeployed).toMatchObject({ status: 200, body: { retired: ['retail.inventory-1'] } });
    await eventually(async () => (await env.client.workflow.getHandle(`agent:${tenant}:retail.inventory:1`).describe()).status.name === 'COMPLETED', 'retirement');
    await expect(env.client.schedule.getHandle(agentScheduleId(tenant, 'retail.inventory')).describe()).rejects.toThrow();
  });

  it('redeploys running agents with the new settings, retires those above a lowered maximum, and brings them back after an undeploy', async () => {
    const { tenant, key } = await operatorKey();
    const agentType = 'finance.reconciliation';
    const first = await call(key, 'POST', '/v1/agents/deploy', { agentType, lifecycle: 'on_demand', warmInstances: 2, maxInstances: 3, capacity: 2, idleMinutes: 30 });
    expect(first).toMatchObject({ status: 201, body: { created: true, agents: [`${agentType}-1`, `${agentType}-2`] } });
    await eventually(async () => (await agentState(tenant, agentType, 2)).state === 'IDLE', 'both warm instances up');

    const shrunk = await call(key, 'PUT', `/v1/agents/deployments/${agentType}`, { lifecycle: 'on_demand', warmInstances: 1, maxInstances: 1, capacity: 4, idleMinutes: 10 });
    expect(shrunk).toMatchObject({ status: 200, body: { created: false, agents: [`${agentType}-1`], retired: [`${agentType}-2`] } });
    await eventually(async () => {
      const one = await agentState(tenant, agentType, 1);
      return one.capacity === 4 && one.idleMinutes === 10 && one.keepWarm && one.state === 'IDLE';
    }, 'instance 1 running with the new capacity and idle minutes');
    await eventually(async () => (await env.client.workflow.getHandle(`agent:${tenant}:${agentType}:2`).describe()).status.name === 'COMPLETED', 'instance 2 retired');

    // Instance 1 leaves the warm pool: its idle timer now applies, with the new idle minutes.
    await call(key, 'PUT', `/v1/agents/deployments/${agentType}`, { lifecycle: 'on_demand', warmInstances: 0, maxInstances: 2, capacity: 4, idleMinutes: 10 });
    await eventually(async () => {
      const one = await agentState(tenant, agentType, 1);
      return !one.keepWarm && one.sleepsAt !== null;
    }, 'instance 1 out of the warm pool, with a sleep deadline');

    await call(key, 'POST', `/v1/agents/deployments/${agentType}/undeploy`);
    await eventually(async () => (await env.client.workflow.getHandle(`agent:${tenant}:${agentType}:1`).describe()).status.name === 'COMPLETED', 'instance 1 retired');
    const again = await call(key, 'POST', '/v1/agents/deploy', { agentType, lifecycle: 'on_demand', warmInstances: 2, maxInstances: 2 });
    expect(again).toMatchObject({ status: 201, body: { agents: [`${agentType}-1`, `${agentType}-2`] } });
    await eventually(async () => (await agentState(tenant, agentType, 2)).state === 'IDLE', 'the warm pool back after the undeploy');
    await eventually(async () => {
      const rows = await db.query<{ state: string }>('select state from agents where tenant_id = $1 and agent_type = $2 order by instance', [tenant, agentType]);
      return rows.rows.map((r) => r.state).join() === 'IDLE,IDLE';
    }, 'the registry showing both instances running again');
  });
});
