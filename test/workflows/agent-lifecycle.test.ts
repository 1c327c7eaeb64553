import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSnapshotStore } from '../../activities/lifecycle/snapshots.js';
import type { AgentWorkflowInput } from '../../core/agents/agent.js';
import type { Db } from '../../infra/db/pool.js';
import { startLifecyclePools, type InProcessPools } from '../../workers/in-process.js';
import { assignSignal, releaseSignal, sleepSignal, stateQuery, wakeUpdate } from '../../workflows/agent/messages.js';
import { AntsAgentState } from '../../workflows/agent/search-attributes.js';
import { freshTenant, startTimeSkippingTemporal, testDb } from '../support/stack.js';
import { workflowBundle } from '../support/workers.js';
import { agentInState as inState, agentInput, startAgent as startAgentOn, untilAgent as until } from '../support/agents.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools | undefined;
let snapshotRoot: string;

async function startPools(): Promise<InProcessPools> {
  return startLifecyclePools(env.nativeConnection, env.namespace ?? 'default', db, {
    workflowBundle: await workflowBundle(),
    snapshots: createLocalSnapshotStore(snapshotRoot),
  });
}

beforeAll(async () => {
  env = await startTimeSkippingTemporal();
  db = testDb();
  snapshotRoot = mkdtempSync(join(tmpdir(), 'ants-agent-test-'));
  pools = await startPools();
});

afterAll(async () => {
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

const startAgent = (input: AgentWorkflowInput) => startAgentOn(env.client, input);

async function registryRow(tenant: string, agentId: string) {
  const rows = await db.query<{ state: string; load: number; free_capacity: number; revision: string }>('select state, load, free_capacity, revision from agents where tenant_id = $1 and agent_id = $2', [tenant, agentId]);
  return rows.rows[0];
}

describe('agentWorkflow', () => {
  it('sleeps after the idle minutes with a checkpoint, and a task wakes it with its memory restored', async () => {
    const tenant = freshTenant('agent');
    const handle = await startAgent(agentInput(tenant));
    await inState(handle, 'IDLE');
    handle.signal(assignSignal, { taskId: 'task-a' });
    await until(handle, (v) => v.state === 'ACTIVE' && v.load === 1, 'ACTIVE with one task');
    await handle.signal(releaseSignal, { taskId: 'task-a', tokens: 1500 });
    const idle = await inState(handle, 'IDLE');
    expect(idle.memory).toMatchObject({ tasksServed: 1, recentTasks: ['task-a'] });

    await env.sleep('29m');
    expect((await handle.query(stateQuery)).state).toBe('IDLE');
    await env.sleep('2m');
    const asleep = await inState(handle, 'SLEEPING');
    expect(asleep.memory).toBeNull();
    expect(asleep.lastCheckpointSeq).toBeGreaterThan(0);
    expect(asleep.freeCapacity).toBe(0);
    const checkpoint = await db.query('select seq, bytes from agent_checkpoints where tenant_id = $1 and agent_id = $2', [tenant, 'finance.reconciliation-1']);
    expect(checkpoint.rows).toHaveLength(1);
    expect(await registryRow(tenant, 'finance.reconciliation-1')).toMatchObject({ state: 'SLEEPING', load: 0, free_capacity: 0 });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(AntsAgentState)).toBe('SLEEPING');

    await handle.signal(assignSignal, { taskId: 'task-b' });
    const woken = await until(handle, (v) => v.state === 'ACTIVE' && v.tasks.includes('task-b'), 'ACTIVE with task-b');
    expect(woken.restoredFrom).toBe(asleep.lastCheckpointSeq);
    expect(woken.memory).toMatchObject({ tasksServed: 1, recentTasks: ['task-a'] });
    expect(woken.wakes).toBe(2);
    expect(woken.usage.tokens).toBe(1500);
    expect(woken.usage.sleepingMs).toBeGreaterThan(0);
    expect(await registryRow(tenant, 'finance.reconciliation-1')).toMatchObject({ state: 'ACTIVE', load: 1, free_capacity: 1 });
  });

  it('answers the wake update once the agent runs again, and a keep-alive holds it awake', async () => {
    const tenant = freshTenant('agent');
    const handle = await startAgent(agentInput(tenant, { idleMinutes: 5 }));
    await inState(handle, 'IDLE');
    await handle.signal(sleepSignal, { reason: 'test' });
    await inState(handle, 'SLEEPING');
    const view = await handle.executeUpdate(wakeUpdate, { args: [{ reason: 'api', keepAliveMinutes: 60 }] });
    expect(view.state).toBe('IDLE');
    expect(view.restoredFrom).toBe(view.lastCheckpointSeq);
    expect(view.memory).toMatchObject({ wakeReasons: ['deployed', 'api'] });
    await env.sleep('30m');
    expect((await handle.query(stateQuery)).state).toBe('IDLE');
    await env.sleep('31m');
    await inState(handle, 'SLEEPING');
  });

  it('keeps warm-pool members and always-on agents awake while on-demand ones sleep', async () => {
    const tenant = freshTenant('agent');
    const warm = await Promise.all([1, 2].map((instance) => startAgent(agentInput(tenant, { instance, keepWarm: true }))));
    const onDemand = await startAgent(agentInput(tenant, { instance: 3 }));
    const alwaysOn = await startAgent(agentInput(tenant, { agentType: 'cybersecurity.defender', tier: 'always_on' }));
    for (const handle of [...warm, onDemand, alwaysOn]) await inState(handle, 'IDLE');
    await env.sleep('3h');
    await inState(onDemand, 'SLEEPING');
    for (const handle of [...warm, alwaysOn]) expect((await handle.query(stateQuery)).state).toBe('IDLE');
    const states = await db.query<{ state: string; n: string }>("select state, count(*) as n from agents where tenant_id = $1 and agent_type = 'finance.reconciliation' group by state order by state", [tenant]);
    expect(states.rows).toEqual([{ state: 'IDLE', n: '2' }, { state: 'SLEEPING', n: '1' }]);
  });
});
