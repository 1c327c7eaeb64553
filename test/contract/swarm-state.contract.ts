import { describe, expect, it } from 'vitest';
import type { SwarmState } from '../../activities/swarm/ports.js';
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
      const attempts = Array.from({ length: 50 }, (_, i) => `task-${i}`).flatMap((taskId) => [taskId, taskId]);
      const awards = await Promise.all(attempts.map((taskId) => state.award({ tenant, taskId, agentType: 'finance.reconciliation', submittedAt, bids })));
      const fresh = awards.filter((a) => a && !a.existing);
      expect(fresh).toHaveLength(20);
      const perTask = new Map<string, Set<string>>();
      for (const award of awards) if (award) perTask.set(award.taskId, new Set([...(perTask.get(award.taskId) ?? []), award.agentId]));
      for (const holders of perTask.values()) expect(holders.size).toBe(1);
      const perAgent = new Map<string, number>();
      for (const award of fresh) if (award) perAgent.set(award.agentId, (perAgent.get(award.agentId) ?? 0) + 1);
      expect([...perAgent.values()].every((n) => n <= 4)).toBe(true);
      expect((await state.candidates(tenant, 'finance.reconciliation')).map((c) => c.load)).toEqual([4, 4, 4, 4, 4]);
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
      expect(await state.release(tenant, 't-1', true)).toBe(true);
      expect(await state.release(tenant, 't-1', true)).toBe(false);
      expect(await state.award({ tenant, taskId: 't-3', agentType: 'hr.onboarding', submittedAt, bids })).toMatchObject({ agentId: first });
    });

    it("keeps each agent's record with a task type as its awards are released", async () => {
      const { state, addAgents } = make();
      const tenant = freshTenant('record');
      const [agent] = await addAgents(tenant, 'hr.onboarding', 1, 3);
      const bids = bidsFor([agent ?? '']);
      for (const [taskId, taskType] of [['r-1', 'onboard'], ['r-2', 'onboard'], ['r-3', 'offboard']] as const) await state.award({ tenant, taskId, agentType: 'hr.onboarding', taskType, submittedAt, bids });
      expect((await state.history(tenant, 'hr.onboarding', 'onboard')).size).toBe(0);
      await state.release(tenant, 'r-1', true);
      await state.release(tenant, 'r-2', false);
      await state.release(tenant, 'r-2', true); // a repeated release changes nothing
      await state.release(tenant, 'r-3', true);
      expect(await state.history(tenant, 'hr.onboarding', 'onboard')).toEqual(new Map([[agent, { tasks: 2, successRate: 0.5 }]]));
      expect(await state.history(tenant, 'hr.onboarding', 'offboard')).toEqual(new Map([[agent, { tasks: 1, successRate: 1 }]]));
      expect((await state.history(freshTenant('record'), 'hr.onboarding', 'onboard')).size).toBe(0);
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
      expect(await state.candidates(other, 'crm.upsell')).toEqual([]);
    });
  });
}
