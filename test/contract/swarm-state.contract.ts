import { describe, expect, it } from 'vitest';
import type { SwarmState } from '../../activities/swarm/ports.js';
import type { AgentStateRecord } from '../../core/agents/agent.js';
import { freshTenant } from '../support/stack.js';

export interface StateUnderTest {
  state: SwarmState;
  /** Registers running agents of a type with a capacity each (what agent workflows publish). */
  addAgents(tenant: string, agentType: string, count: number, capacity: number): Promise<string[]>;
}

const submittedAt = new Date().toISOString();
const bidsFor = (agents: string[]) => agents.map((agentId, i) => ({ agentId, score: 1 - i / 100, eligible: true, reason: 'eligible' }));

/** What every swarm state adapter must do; run against each adapter with its own factory. */
export function describeSwarmStateContract(name: string, make: () => StateUnderTest): void {
  describe(`swarm state contract: ${name}`, () => {
    it('awards 50 concurrent tasks without exceeding any capacity or assigning a task twice', async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('award');
      const agents = await addAgents(tenant, 'finance.reconciliation', 5, 4);
      const bids = bidsFor(agents);
      // 50 tasks, each awarded twice at once (a retry racing the first try): 20 slots in all.
      // Each task ranks the agents differently (as real bids do), so awards lock their slots in different orders.
      const attempts = Array.from({ length: 50 }, (_, i) => i).flatMap((i) => [i, i]);
      const rankedFor = (i: number) => [...bids.slice(i % bids.length), ...bids.slice(0, i % bids.length)];
      const awards = await Promise.all(attempts.map((i) => state.award({ tenant, taskId: `task-${i}`, agentType: 'finance.reconciliation', submittedAt, bids: rankedFor(i) })));
      const fresh = awards.filter((a) => a && !a.existing);
      expect(fresh).toHaveLength(20);
      const perTask = new Map<string, Set<string>>();
      for (const award of awards) if (award) perTask.set(award.taskId, new Set([...(perTask.get(award.taskId) ?? []), award.agentId]));
      for (const holders of perTask.values()) expect(holders.size).toBe(1);
      const perAgent = new Map<string, number>();
      for (const award of fresh) if (award) perAgent.set(award.agentId, (perAgent.get(award.agentId) ?? 0) + 1);
      expect([...perAgent.values()].every((n) => n <= 4)).toBe(true);
      const whole = await state.shortlist(tenant, 'finance.reconciliation', { limit: 100 });
      expect(whole.candidates.map((c) => c.load)).toEqual([4, 4, 4, 4, 4]);
      expect([whole.agents, whole.capacity, whole.held]).toEqual([5, 20, 20]);
    });

    it('goes to the best bidder with room, returns the same award on retry, and frees the slot on release', async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('award');
      const [first, second] = await addAgents(tenant, 'hr.onboarding', 2, 1);
      const bids = bidsFor([first ?? '', second ?? '']);
      const a = await state.award({ tenant, taskId: 't-1', agentType: 'hr.onboarding', submittedAt, bids });
      expect(a).toMatchObject({ agentId: first, existing: false });
      expect(await state.award({ tenant, taskId: 't-1', agentType: 'hr.onboarding', submittedAt, bids })).toMatchObject({ agentId: first, existing: true });
      expect(await state.award({ tenant, taskId: 't-2', agentType: 'hr.onboarding', submittedAt, bids })).toMatchObject({ agentId: second });
      expect(await state.award({ tenant, taskId: 't-3', agentType: 'hr.onboarding', submittedAt, bids })).toBeNull();
      expect(await state.release(tenant, 't-1', true)).toEqual({ agentId: first, load: 0, capacity: 1 });
      expect(await state.release(tenant, 't-1', true)).toBeNull();
      expect(await state.award({ tenant, taskId: 't-3', agentType: 'hr.onboarding', submittedAt, bids })).toMatchObject({ agentId: first });
    });

    it("keeps each agent's record with a task type as its awards are released", async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('record');
      const [agent] = await addAgents(tenant, 'hr.onboarding', 1, 3);
      const bids = bidsFor([agent ?? '']);
      for (const [taskId, taskType] of [['r-1', 'onboard'], ['r-2', 'onboard'], ['r-3', 'offboard']] as const) await state.award({ tenant, taskId, agentType: 'hr.onboarding', taskType, submittedAt, bids });
      expect((await state.history(tenant, 'hr.onboarding', 'onboard', [agent ?? ''])).byAgent.size).toBe(0);
      await state.release(tenant, 'r-1', true);
      await state.release(tenant, 'r-2', false);
      await state.release(tenant, 'r-2', true); // a repeated release changes nothing
      await state.release(tenant, 'r-3', true);
      expect(await state.history(tenant, 'hr.onboarding', 'onboard', [agent ?? ''])).toEqual({ byAgent: new Map([[agent, { tasks: 2, successRate: 0.5 }]]), tasks: 2, successes: 1 });
      expect(await state.history(tenant, 'hr.onboarding', 'offboard', [agent ?? ''])).toEqual({ byAgent: new Map([[agent, { tasks: 1, successRate: 1 }]]), tasks: 1, successes: 1 });
      // Only the agents asked about are listed; the totals stay the whole type's.
      expect(await state.history(tenant, 'hr.onboarding', 'onboard', ['someone-else'])).toEqual({ byAgent: new Map(), tasks: 2, successes: 1 });
      expect((await state.history(freshTenant('record'), 'hr.onboarding', 'onboard', [agent ?? ''])).tasks).toBe(0);
    });

    it('samples what the swarm metrics need: each agent now, and the awards of the period with how they ended', async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('sample');
      const [first, second] = await addAgents(tenant, 'hr.onboarding', 2, 2);
      const bids = bidsFor([first ?? '', second ?? '']);
      for (const taskId of ['s-1', 's-2', 's-3']) await state.award({ tenant, taskId, agentType: 'hr.onboarding', submittedAt, bids });
      await state.release(tenant, 's-1', true);
      await state.release(tenant, 's-2', false);
      const sample = await state.metricsSample(tenant, new Date(Date.now() - 3_600_000), 60_000);
      expect(sample.agents.map((a) => [a.agentType, a.capacity, a.load, a.awarded])).toEqual([
        ['hr.onboarding', 2, 0, 2],
        ['hr.onboarding', 2, 1, 1],
      ]);
      expect(sample.awards.map((a) => [a.runMs === null, a.succeeded, a.slaMs]).sort()).toEqual([
        [false, false, 60_000],
        [false, true, 60_000],
        [true, null, 60_000],
      ]);
      expect(sample.awards.every((a) => a.waitMs >= 0)).toBe(true);
      // Nothing of the period before, nothing of another tenant.
      expect((await state.metricsSample(tenant, new Date(Date.now() + 60_000), 60_000)).awards).toEqual([]);
      expect(await state.metricsSample(freshTenant('sample'), new Date(0), 60_000)).toEqual({ agents: [], awards: [] });
    });

    it('skips ineligible bids and keeps tenants apart', async () => {
      const { state, addAgents } = make();
      const [tenant, other] = [freshTenant('award'), freshTenant('award')];
      const [agent] = await addAgents(tenant, 'crm.upsell', 1, 2);
      const bids = [{ agentId: agent ?? '', score: 0.9, eligible: false, reason: 'lacks every required capability' }];
      expect(await state.award({ tenant, taskId: 't-1', agentType: 'crm.upsell', submittedAt, bids })).toBeNull();
      // Another tenant cannot take a slot of this tenant's agent.
      const stolen = await state.award({ tenant: other, taskId: 't-1', agentType: 'crm.upsell', submittedAt, bids: bidsFor([agent ?? '']) });
      expect(stolen).toBeNull();
      expect(await state.shortlist(other, 'crm.upsell', { limit: 10 })).toEqual({ candidates: [], agents: 0, capacity: 0, held: 0 });
    });
    it('shortlists those with room and the least work first, and counts the whole type', async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('shortlist');
      const [a, b, c] = await addAgents(tenant, 'finance.reconciliation', 3, 1);
      const bid = (agentId: string | undefined) => [{ agentId: agentId ?? '', score: 1, eligible: true, reason: 'eligible' }];
      // b has done work (released), a holds a task now, c has done nothing: c, then b, then a (full).
      await state.award({ tenant, taskId: 'w-1', agentType: 'finance.reconciliation', submittedAt, bids: bid(b) });
      // The task says how long the agent worked on it (5 s); that, not the award's few milliseconds, is what counts.
      expect(await state.release(tenant, 'w-1', true, 5_000)).toEqual({ agentId: b, load: 0, capacity: 1 });
      await state.award({ tenant, taskId: 'w-2', agentType: 'finance.reconciliation', submittedAt, bids: bid(a) });
      const list = await state.shortlist(tenant, 'finance.reconciliation', { limit: 2, spreadKey: 'task-x' });
      expect(list.candidates.map((x) => x.agentId)).toEqual([c, b]);
      expect(list.candidates[1]?.recentWorkMs).toBeGreaterThan(4_990);
      expect(list.candidates[1]?.recentWorkMs).toBeLessThanOrEqual(5_000);
      expect(list.candidates[0]?.recentWorkMs).toBe(0);
      expect([list.agents, list.capacity, list.held]).toEqual([3, 3, 1]);
    });

    it('tries a bidder that took on work since its bid was scored after the others, and still uses its room', async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('stale');
      const [a, b] = await addAgents(tenant, 'hr.onboarding', 2, 2);
      const scored = (agentId: string | undefined, score: number) => ({ agentId: agentId ?? '', score, eligible: true, reason: 'eligible', load: 0 });
      expect(await state.award({ tenant, taskId: 's-1', agentType: 'hr.onboarding', submittedAt, bids: [scored(a, 0.9)] })).toMatchObject({ agentId: a });
      // Both were scored idle; a has one task since: b, ranked second, gets this one.
      expect(await state.award({ tenant, taskId: 's-2', agentType: 'hr.onboarding', submittedAt, bids: [scored(a, 0.9), scored(b, 0.8)] })).toMatchObject({ agentId: b });
      // With nobody else, a's room is used all the same.
      expect(await state.award({ tenant, taskId: 's-3', agentType: 'hr.onboarding', submittedAt, bids: [scored(a, 0.9)] })).toMatchObject({ agentId: a });
    });

    it('breaks exact ties by the spread key, the same way every time', async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('spread');
      await addAgents(tenant, 'hr.onboarding', 12, 2);
      const firsts = new Set<string>();
      for (let i = 0; i < 12; i += 1) {
        const once = await state.shortlist(tenant, 'hr.onboarding', { limit: 1, spreadKey: `task-${i}` });
        const again = await state.shortlist(tenant, 'hr.onboarding', { limit: 1, spreadKey: `task-${i}` });
        expect(again.candidates).toEqual(once.candidates);
        firsts.add(once.candidates[0]?.agentId ?? '');
      }
      expect(firsts.size).toBeGreaterThan(3);
    });

    it('keeps the newest revision an agent publishes', async () => {
      const { state } = make();
      const tenant = freshTenant('publish');
      const record = publishedAgent(tenant, 'crm.upsell', 1);
      expect(await state.publishAgent({ ...record, revision: 2, capacity: 3 })).toBe(true);
      expect(await state.publishAgent({ ...record, revision: 1, capacity: 9 })).toBe(false);
      const list = await state.shortlist(tenant, 'crm.upsell', { limit: 5 });
      expect(list.candidates.map((x) => [x.agentId, x.capacity, x.state])).toEqual([[record.agentId, 3, 'ACTIVE']]);
      expect(await state.publishAgent({ ...record, revision: 3, state: 'RETIRED' })).toBe(true);
      expect((await state.shortlist(tenant, 'crm.upsell', { limit: 5 })).agents).toBe(0);
    });
  });
}

/** A record as an agent workflow publishes it. */
export function publishedAgent(tenant: string, agentType: string, instance: number): AgentStateRecord {
  return {
    tenant,
    agentId: `${agentType}-${instance}`,
    agentType,
    instance,
    workflowId: `agent:${tenant}:${agentType}:${instance}`,
    state: 'ACTIVE',
    tier: 'on_demand',
    keepWarm: false,
    capacity: 2,
    load: 0,
    freeCapacity: 2,
    revision: 1,
    stateSince: new Date(0).toISOString(),
    usage: { activeMs: 0, sleepingMs: 0, tokens: 0 },
    meteredUntil: new Date(0).toISOString(),
    wakes: 0,
  };
}

/** Registers agents through the port itself, as their workflows do: for adapters whose registry is the swarm state. */
export async function publishAgents(state: SwarmState, tenant: string, agentType: string, count: number, capacity: number): Promise<string[]> {
  const ids: string[] = [];
  for (let instance = 1; instance <= count; instance += 1) {
    const record = { ...publishedAgent(tenant, agentType, instance), state: 'IDLE' as const, capacity, freeCapacity: capacity };
    await state.publishAgent(record);
    ids.push(record.agentId);
  }
  return ids;
}
