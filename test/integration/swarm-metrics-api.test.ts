import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { deployAgent } from '../../activities/lifecycle/deployments.js';
import { describePoolBacklogs } from '../../api/metrics/backlog.js';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { POOL_NAMES, TASK_QUEUES } from '../../core/tasks/queues.js';
import { ensureNamespace, untilNamespaceServes } from '../../scripts/stack/namespace.js';
import { approveSignal, statusQuery } from '../../workflows/task/messages.js';
import { useHarnessApi } from '../support/api.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask } from '../support/tasks.js';

/*
 * GET /v1/metrics/swarm over real awards (tasks through the marketplace to deployed agents), tenant by tenant, and
 * GET /v1/metrics/backlog from Temporal's own task-queue statistics.
 */
const harness = useTaskHarness();
const api = useHarnessApi(harness);

async function keys(prefix: string) {
  const tenant = freshTenant(prefix);
  await createTenant(harness.db, tenant, 'Swarm metrics');
  const viewer = (await createApiKey(harness.db, { tenant, name: 'vera', role: 'viewer' })).key;
  const admin = (await createApiKey(harness.db, { tenant, name: 'ada', role: 'admin' })).key;
  return { tenant, viewer, admin };
}

const get = (key: string, url: string) => api.call(key, 'GET', url);

async function runApprovedTask(tenant: string): Promise<void> {
  const input = reconcileTask(tenant);
  const handle = await harness.start(input);
  // The first of its kind waits for a person; the ones after it have a similar episode and run on their own.
  await expect.poll(async () => (await handle.query(statusQuery)).status, { timeout: 30_000 }).toMatch(/^(AWAITING_APPROVAL|COMPLETED)$/);
  if ((await handle.query(statusQuery)).status === 'AWAITING_APPROVAL') await handle.signal(approveSignal, { approverId: 'alice' });
  expect((await handle.result()).status).toBe('COMPLETED');
}

describe('swarm metrics', () => {
  it("measures the tenant's own awards: assignment time, SLA, load evenness — and nothing of another tenant", async () => {
    const { tenant, viewer } = await keys('metrics');
    const entry = findRepositoryEntry('finance.reconciliation');
    if (!entry) throw new Error('finance.reconciliation is not in the repository');
    await deployAgent({ db: harness.db, temporal: harness.env.client }, tenant, entry, { tier: 'on_demand', keepAliveMinutes: 60, idleMinutes: 30, resources: {}, warmInstances: 2, maxInstances: 2, capacity: 1 });
    for (let i = 0; i < 3; i += 1) await runApprovedTask(tenant);

    const metrics = await get(viewer, '/v1/metrics/swarm?slaSeconds=600');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ tenant, agents: 2, awards: 3, completedWithinSlaPercent: 100, utilisationPercent: 0, slaSeconds: 600 });
    const body = metrics.body as { loadGini: number; loadGiniByType: Record<string, number>; timeToAssignmentMs: { p50: number; p99: number } };
    // One task at a time: the best bid (least loaded, best trail) takes each, and success trails pull the next.
    expect(body.loadGini).toBeGreaterThanOrEqual(0);
    expect(body.loadGini).toBeLessThanOrEqual(1);
    expect(Object.keys(body.loadGiniByType)).toEqual(['finance.reconciliation']);
    expect(body.timeToAssignmentMs.p50).toBeGreaterThan(0);
    expect(body.timeToAssignmentMs.p99).toBeGreaterThanOrEqual(body.timeToAssignmentMs.p50);

    const other = await keys('metrics');
    expect((await get(other.viewer, '/v1/metrics/swarm')).body).toMatchObject({ tenant: other.tenant, agents: 0, awards: 0, completedWithinSlaPercent: null });
    expect((await get(viewer, '/v1/metrics/swarm?periodHours=abc')).status).toBe(400);
  });
});

describe('pool backlog', () => {
  it("reports every pool's queue with Temporal's statistics, to admins only (it is cluster-wide)", async () => {
    const { viewer, admin } = await keys('backlog');
    expect((await get(viewer, '/v1/metrics/backlog')).status).toBe(403);
    const answer = await get(admin, '/v1/metrics/backlog');
    expect(answer.status).toBe(200);
    const pools = (answer.body as { pools: Array<{ pool: string; taskQueue: string; workflowTasks: { pollers: number }; activityTasks: { pollers: number } }> }).pools;
    expect(pools.map((p) => p.pool)).toEqual(POOL_NAMES);
    // The in-process pools poll every queue.
    expect(pools.find((p) => p.pool === 'workflows')?.workflowTasks.pollers).toBeGreaterThan(0);
    expect(pools.find((p) => p.pool === 'memory')?.activityTasks.pollers).toBeGreaterThan(0);
  });

  it('counts work nobody has picked up yet', async () => {
    // A namespace without workers: a started workflow waits in the workflows queue's backlog.
    const namespace = `ants-backlog-${randomUUID().slice(0, 8)}`;
    await ensureNamespace(harness.env.connection, namespace, 1);
    const client = new Client({ connection: harness.env.connection, namespace });
    await untilNamespaceServes(() => client.workflow.start('taskWorkflow', { workflowId: `waiting-${randomUUID()}`, taskQueue: TASK_QUEUES.workflows, args: [] }));
    await expect
      .poll(async () => (await describePoolBacklogs(harness.env.client, namespace)).find((p) => p.pool === 'workflows')?.workflowTasks.backlog, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
    const backlog = await describePoolBacklogs(harness.env.client, namespace);
    expect(backlog.find((p) => p.pool === 'workflows')?.workflowTasks.pollers).toBe(0);
    expect(backlog.find((p) => p.pool === 'tools')?.activityTasks.backlog).toBe(0);
  });
});
