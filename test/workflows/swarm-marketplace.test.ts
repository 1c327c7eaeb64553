import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { deployAgent } from '../../activities/lifecycle/deployments.js';
import { createPostgresPheromoneField } from '../../activities/swarm/postgres-field.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import type { TaskStatusView } from '../../core/tasks/task.js';
import { stateQuery } from '../../workflows/agent/messages.js';
import { approveSignal, statusQuery } from '../../workflows/task/messages.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask } from '../support/tasks.js';

const harness = useTaskHarness();

const entry = () => {
  const found = findRepositoryEntry('finance.reconciliation');
  if (!found) throw new Error('finance.reconciliation is not in the repository');
  return found;
};

async function deploy(tenant: string, spec: { warmInstances: number; maxInstances: number; capacity: number }) {
  return deployAgent({ db: harness.db, temporal: harness.env.client }, tenant, entry(), { tier: 'on_demand', keepAliveMinutes: 60, idleMinutes: 30, resources: {}, ...spec });
}

async function until(handle: WorkflowHandle, done: (view: TaskStatusView) => boolean, what: string): Promise<TaskStatusView> {
  let last: TaskStatusView | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    last = await handle.query(statusQuery).catch(() => undefined);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} never reached ${what}; last: ${JSON.stringify(last)}`);
}

/** A first task of its kind is novel and waits for a person: approve it and return the finished task's view. */
async function approveAndFinish(handle: WorkflowHandle): Promise<TaskStatusView> {
  const waiting = await until(handle, (v) => v.status === 'AWAITING_APPROVAL', 'awaiting approval');
  await handle.signal(approveSignal, { approverId: 'alice' });
  expect((await handle.result()).status).toBe('COMPLETED');
  return waiting;
}

describe('task marketplace', () => {
  it('awards each task to an agent with room, recruits a second instance as soon as the first is full, and gives the slots back', async () => {
    const tenant = freshTenant('market');
    await deploy(tenant, { warmInstances: 1, maxInstances: 2, capacity: 1 });
    const first = await harness.start(reconcileTask(tenant, { requireApproval: true }));
    const firstView = await until(first, (v) => v.status === 'AWAITING_APPROVAL', 'awaiting approval');
    expect(firstView.agentId).toBe('finance.reconciliation-1');
    // Instance 1 is now full: it calls for help with a load_balancing trail, and instance 2 is recruited already.
    const field = createPostgresPheromoneField(harness.db);
    expect((await field.detect({ tenant, types: ['load_balancing'] })).map((t) => [t.depositor, t.strength])).toEqual([['finance.reconciliation-1', 1]]);
    await expect.poll(async () => (await harness.db.query('select 1 from agents where tenant_id = $1', [tenant])).rowCount, { timeout: 10_000 }).toBe(2);

    // Instance 1 holds its one task: the second task recruits instance 2 and goes there.
    const second = await harness.start(reconcileTask(tenant, { requireApproval: true }));
    const secondView = await until(second, (v) => v.status === 'AWAITING_APPROVAL', 'awaiting approval');
    expect(secondView.agentId).toBe('finance.reconciliation-2');
    const agentTwo = harness.env.client.workflow.getHandle(`agent:${tenant}:finance.reconciliation:2`);
    expect((await agentTwo.query(stateQuery)).tasks).toEqual([secondView.taskId]);

    const audit = await harness.db.query<{ details: { agentId: string; bids: Array<{ agentId: string; eligible: boolean }> } }>(
      "select details from audit_log where tenant_id = $1 and task_id = $2 and kind = 'task.awarded'",
      [tenant, secondView.taskId],
    );
    expect(audit.rows[0]?.details.agentId).toBe('finance.reconciliation-2');
    expect(audit.rows[0]?.details.bids.find((b) => b.agentId === 'finance.reconciliation-1')).toMatchObject({ eligible: false });

    for (const handle of [first, second]) await handle.signal(approveSignal, { approverId: 'alice' });
    await Promise.all([first.result(), second.result()]);
    const open = await harness.db.query('select 1 from task_awards where tenant_id = $1 and released_at is null', [tenant]);
    expect(open.rowCount).toBe(0);
    const slots = await harness.db.query<{ open: number }>('select open from agent_slots where tenant_id = $1', [tenant]);
    expect(slots.rows.every((row) => row.open === 0)).toBe(true);
    // Finished work marks the agents' trail.
    const trails = await field.detect({ tenant, types: ['success'], location: 'finance.reconciliation' });
    // Nobody is full any more: the calls for help are gone.
    expect(await field.detect({ tenant, types: ['load_balancing'] })).toEqual([]);
    expect(trails.map((t) => t.depositor).sort()).toEqual(['finance.reconciliation-1', 'finance.reconciliation-2']);
    const agentOne = harness.env.client.workflow.getHandle(`agent:${tenant}:finance.reconciliation:1`);
    await expect.poll(async () => (await agentOne.query(stateQuery)).tasks, { timeout: 10_000 }).toEqual([]);
  });

  it('holds work back while a danger trail marks its place, then runs it once the trail has evaporated', async () => {
    const tenant = freshTenant('market');
    await deploy(tenant, { warmInstances: 1, maxInstances: 1, capacity: 2 });
    await createPostgresPheromoneField(harness.db).deposit({ tenant, type: 'danger', location: 'finance.reconciliation', depositor: 'api:ops', strength: 1, ttlMs: 3000 });
    const handle = await harness.start(reconcileTask(tenant));
    expect((await approveAndFinish(handle)).agentId).toBe('finance.reconciliation-1');
    const history = await handle.fetchHistory();
    const timers = (history.events ?? []).filter((event) => event.timerStartedEventAttributes);
    expect(timers.length).toBeGreaterThan(0);
    const awarded = await harness.db.query("select 1 from audit_log where tenant_id = $1 and kind = 'task.awarded'", [tenant]);
    expect(awarded.rowCount).toBe(1);
  });

  it('runs a task whose agent type has no deployed agent without an award, as before', async () => {
    const tenant = freshTenant('market');
    const handle = await harness.start(reconcileTask(tenant));
    expect((await approveAndFinish(handle)).agentId).toBeUndefined();
    const awards = await harness.db.query('select 1 from task_awards where tenant_id = $1', [tenant]);
    expect(awards.rowCount).toBe(0);
  });
});
