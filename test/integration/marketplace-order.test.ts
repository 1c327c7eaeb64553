import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createMarketplaceActivities, SHORTLIST_SIZE, type AwardOutcome } from '../../activities/swarm/marketplace.js';
import { createPostgresPheromoneField } from '../../activities/swarm/postgres-field.js';
import { createPostgresSwarmState } from '../../activities/swarm/postgres-state.js';
import { KEPT_BIDS } from '../../activities/swarm/ports.js';
import { freshTenant, testDb } from '../support/stack.js';

/*
 * While tasks wait for room, the strongest call is served first: the award's activities on the real adapters, with
 * one agent of capacity one and three tasks of different priorities waiting for it.
 */
const db = testDb();
afterAll(() => db.end());

const env = new MockActivityEnvironment();
const market = createMarketplaceActivities({ db, field: createPostgresPheromoneField(db), state: createPostgresSwarmState(db) });
const award = (tenant: string, taskId: string, priority: number, submittedAt: string): Promise<AwardOutcome> =>
  env.run(market.awardTask, { tenant, taskId, agentType: 'finance.reconciliation', taskType: 'reconcile_payments', priority, submittedAt, attempt: 1 });
const release = (tenant: string, taskId: string, agentId: string): Promise<boolean> =>
  env.run(market.releaseTask, { tenant, taskId, agentType: 'finance.reconciliation', agentId, succeeded: true });

async function oneAgent(): Promise<string> {
  const tenant = freshTenant('order');
  await db.query(
    `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity, free_capacity)
     values ($1, 'finance.reconciliation-1', 'finance.reconciliation', 1, $2, 'ACTIVE', 'on_demand', false, 1, 1)`,
    [tenant, `agent:${tenant}:finance.reconciliation:1`],
  );
  return tenant;
}

/** `count` reconciliation agents of capacity two, all up. */
async function reconcilers(tenant: string, count: number): Promise<void> {
  await db.query(
    `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity, free_capacity)
     select $1, 'finance.reconciliation-' || i, 'finance.reconciliation', i, 'agent:' || $1 || ':finance.reconciliation:' || i, 'ACTIVE', 'on_demand', false, 2, 2
     from generate_series(1, $2::int) as i`,
    [tenant, count],
  );
}

describe('waiting tasks', () => {
  it('are served strongest first, and among equals the earlier submitted', async () => {
    const tenant = await oneAgent();
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    expect(await award(tenant, 'running', 3, at(0))).toMatchObject({ kind: 'awarded' });
    // Three tasks find the agent busy and wait, calling with their priority.
    for (const [taskId, priority, submitted] of [['low', 1, 1], ['urgent', 5, 2], ['normal', 3, 3], ['normal-later', 3, 4]] as const) {
      expect(await award(tenant, taskId, priority, at(submitted))).toMatchObject({ kind: 'no_room' });
    }
    await release(tenant, 'running', 'finance.reconciliation-1');
    // One slot is free: whoever asks first, it goes to the loudest caller.
    expect(await award(tenant, 'low', 1, at(1))).toMatchObject({ kind: 'no_room', behind: 3 });
    expect(await award(tenant, 'normal', 3, at(3))).toMatchObject({ kind: 'no_room', behind: 1 });
    expect(await award(tenant, 'urgent', 5, at(2))).toMatchObject({ kind: 'awarded' });
    await release(tenant, 'urgent', 'finance.reconciliation-1');
    expect(await award(tenant, 'normal-later', 3, at(4))).toMatchObject({ kind: 'no_room', behind: 1 });
    expect(await award(tenant, 'normal', 3, at(3))).toMatchObject({ kind: 'awarded' });
    await release(tenant, 'normal', 'finance.reconciliation-1');
    expect(await award(tenant, 'normal-later', 3, at(4))).toMatchObject({ kind: 'awarded' });
    await release(tenant, 'normal-later', 'finance.reconciliation-1');
    expect(await award(tenant, 'low', 1, at(1))).toMatchObject({ kind: 'awarded' });
  });

  it('stop holding others back once they stop calling', async () => {
    const tenant = await oneAgent();
    // A loud caller that stopped calling two minutes ago (its run was cancelled): its trail is stale.
    const twoMinutesAgo = Date.now() - 120_000;
    await createPostgresPheromoneField(db, () => twoMinutesAgo).deposit({ tenant, type: 'task', location: 'finance.reconciliation', depositor: 'gone', strength: 1, ttlMs: 600_000, data: { submittedAt: new Date(twoMinutesAgo).toISOString() } });
    expect(await award(tenant, 'quiet', 1, new Date().toISOString())).toMatchObject({ kind: 'awarded' });
  });
});

describe('an overloaded type', () => {
  it('is helped by idle agents of other types that share enough of its capabilities, and only while it is full', async () => {
    const tenant = freshTenant('help');
    const agent = (agentType: string, instance: number, capacity: number) =>
      db.query(
        `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity, free_capacity)
         values ($1, $2, $3, $4, $5, 'ACTIVE', 'on_demand', false, $6, $6)`,
        [tenant, `${agentType}-${instance}`, agentType, instance, `agent:${tenant}:${agentType}:${instance}`, capacity],
      );
    await agent('selfops.secops', 1, 1);
    await agent('cybersecurity.defender', 1, 2); // shares incident_response and security_triage
    await agent('hr.onboarding', 1, 5); // shares nothing
    const triage = (taskId: string) =>
      env.run(market.awardTask, { tenant, taskId, agentType: 'selfops.secops', taskType: 'triage_alert', priority: 3, submittedAt: new Date().toISOString(), attempt: 1 });

    expect(await triage('first')).toMatchObject({ kind: 'awarded', agentId: 'selfops.secops-1' });
    // The secops agent is full: the idle defender helps; the onboarding agent never does.
    expect(await triage('second')).toMatchObject({ kind: 'awarded', agentId: 'cybersecurity.defender-1' });
    const audit = await db.query<{ details: { bids: Array<{ agentId: string; parts: { capability: number } }> } }>("select details from audit_log where tenant_id = $1 and task_id = 'second'", [tenant]);
    const bids = audit.rows[0]?.details.bids ?? [];
    expect(bids.map((b) => b.agentId).sort()).toEqual(['cybersecurity.defender-1', 'selfops.secops-1']);
    expect(bids.find((b) => b.agentId === 'cybersecurity.defender-1')?.parts.capability).toBeCloseTo(2 / 3, 5);
    // A helper helps only while idle: with the defender busy too, the next task waits.
    expect(await triage('third')).toMatchObject({ kind: 'no_room' });
    await env.run(market.releaseTask, { tenant, taskId: 'first', agentType: 'selfops.secops', agentId: 'selfops.secops-1', succeeded: true });
    expect(await triage('third')).toMatchObject({ kind: 'awarded', agentId: 'selfops.secops-1' });
  });
});

describe('an award among many bidders', () => {
  it('keeps the best bids to explain itself and counts the rest', async () => {
    const tenant = freshTenant('many');
    await reconcilers(tenant, 30);
    expect(await award(tenant, 'one-of-many', 3, new Date().toISOString())).toMatchObject({ kind: 'awarded' });
    const stored = await db.query<{ kept: number }>("select jsonb_array_length(bids) as kept from task_awards where tenant_id = $1 and task_id = 'one-of-many'", [tenant]);
    expect(stored.rows[0]?.kept).toBe(KEPT_BIDS);
    const audit = await db.query<{ details: { bidders: number; bids: unknown[] } }>("select details from audit_log where tenant_id = $1 and task_id = 'one-of-many'", [tenant]);
    expect(audit.rows[0]?.details.bidders).toBe(30);
    expect(audit.rows[0]?.details.bids).toHaveLength(KEPT_BIDS);
  });
});

describe('work over a whole type', () => {
  it('spreads over every agent: the least worked with room bid first, even against success trails', async () => {
    const tenant = freshTenant('spread');
    const agents = SHORTLIST_SIZE + 8;
    await reconcilers(tenant, agents);
    // One task at a time: each succeeds and lays a success trail for its agent, which would draw the next task back to
    // the same agent if only scores counted.
    const winners: string[] = [];
    for (let i = 0; i < agents; i += 1) {
      const outcome = await award(tenant, `spread-${i}`, 3, new Date().toISOString());
      if (outcome.kind !== 'awarded') throw new Error(`task ${i} was not awarded: ${outcome.kind}`);
      expect(outcome.bids).toBe(SHORTLIST_SIZE);
      winners.push(outcome.agentId);
      await release(tenant, `spread-${i}`, outcome.agentId);
    }
    expect(new Set(winners).size).toBe(agents);
  });
});

describe('a retried award', () => {
  it('answers the first award even when its agent has since left the shortlist', async () => {
    const tenant = freshTenant('retry');
    const agents = SHORTLIST_SIZE + 8;
    await reconcilers(tenant, agents);
    const submittedAt = new Date().toISOString();
    const first = await award(tenant, 'kept', 3, submittedAt);
    if (first.kind !== 'awarded') throw new Error(`not awarded: ${first.kind}`);
    // The agent fills up: a full agent is shortlisted last, behind the 39 with room.
    await createPostgresSwarmState(db).award({ tenant, taskId: 'filler', agentType: 'finance.reconciliation', submittedAt, bids: [{ agentId: first.agentId, score: 1, eligible: true, reason: 'filler' }] });
    const again = await award(tenant, 'kept', 3, submittedAt);
    expect(again).toMatchObject({ kind: 'awarded', agentId: first.agentId, workflowId: first.workflowId });
  });
});
