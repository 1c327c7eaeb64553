import { describe, expect, it } from 'vitest';
import { capabilityMatch, rankBids, scoreBid, smoothedSuccessRates, utilisationOf, type BidInput } from '../../core/swarm/bids.js';
import { gini, swarmMetrics } from '../../core/swarm/metrics.js';
import { currentStrength, fallsBelowAt, fieldStrength, PHEROMONE_STRENGTH, reinforce, taskPheromoneStrength, type PheromoneTrail } from '../../core/swarm/pheromones.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const trail = (strength: number, ttlMs: number, type: PheromoneTrail['type'] = 'success'): PheromoneTrail => ({ type, location: 'finance.reconciliation', strength, depositedAt: T0, expiresAt: T0 + ttlMs });

describe('pheromone evaporation and reinforcement', () => {
  it("follows the whitepaper's timeline: CRITICAL with a 300 s TTL", () => {
    const critical = trail(PHEROMONE_STRENGTH.CRITICAL, 300_000);
    expect(currentStrength(critical, T0)).toBe(1);
    expect(currentStrength(critical, T0 + 60_000)).toBeCloseTo(0.8, 10);
    expect(currentStrength(critical, T0 + 150_000)).toBeCloseTo(0.5, 10);
    expect(currentStrength(critical, T0 + 240_000)).toBeCloseTo(0.2, 10);
    expect(currentStrength(critical, T0 + 300_000)).toBe(0);
    expect(currentStrength(critical, T0 + 999_000)).toBe(0);
  });

  it('reinforces what is left, capped at 1.0, with a fresh TTL', () => {
    const half = reinforce(trail(0.6, 100_000), { strength: 0.3, ttlMs: 100_000 }, T0 + 50_000);
    expect(half.strength).toBeCloseTo(0.6, 10);
    expect(half.depositedAt).toBe(T0 + 50_000);
    expect(half.expiresAt).toBe(T0 + 150_000);
    expect(reinforce(trail(0.9, 100_000), { strength: 0.5, ttlMs: 10_000 }, T0).strength).toBe(1);
  });

  it('says when a trail falls below a threshold (a danger trail delays work until then)', () => {
    const danger = trail(1, 60_000, 'danger');
    expect(fallsBelowAt(danger, 0.5, T0)).toBe(T0 + 30_000);
    expect(fallsBelowAt(danger, 0.5, T0 + 45_000)).toBe(T0 + 45_000);
  });

  it('scales a task pheromone by priority, urgency and attempts', () => {
    expect(taskPheromoneStrength({ priority: 5 })).toBe(1);
    expect(taskPheromoneStrength({ priority: 3, urgency: 0.5 })).toBeCloseTo(0.3, 10);
    expect(taskPheromoneStrength({ priority: 5, attempts: 4 })).toBeCloseTo(0.25, 10);
  });

  it('adds up the trails of one type at a place, capped at 1', () => {
    const trails = [trail(0.5, 60_000), trail(0.4, 60_000), trail(0.9, 60_000, 'danger')];
    expect(fieldStrength(trails, 'success', T0)).toBeCloseTo(0.9, 10);
    expect(fieldStrength([...trails, trail(0.5, 60_000)], 'success', T0)).toBe(1);
    expect(fieldStrength(trails, 'danger', T0 + 30_000)).toBeCloseTo(0.45, 10);
  });
});

describe('bid scoring', () => {
  const bid = (agentId: string, overrides: Partial<BidInput> = {}): BidInput => ({
    agentId,
    capabilities: ['reconciliation', 'reporting'],
    load: 0,
    capacity: 4,
    successRate: null,
    successTrail: 0,
    dangerTrail: 0,
    ...overrides,
  });

  it('weighs capability 0.4, load 0.3, history 0.2 and pheromones 0.1', () => {
    const best = scoreBid(['reconciliation'], bid('a', { successRate: 1, successTrail: 1 }));
    expect(best.score).toBe(1);
    const average = scoreBid(['reconciliation'], bid('b'));
    expect(average.score).toBeCloseTo(0.4 + 0.3 + 0.1 + 0.05, 10);
    expect(capabilityMatch(['reconciliation', 'fx'], ['Reconciliation'])).toBe(0.5);
  });

  it('prefers the less loaded, the more successful and the success trail; repels danger; skips the full', () => {
    const ranked = rankBids(['reconciliation'], [
      bid('busy', { load: 3 }),
      bid('full', { load: 4 }),
      bid('danger', { dangerTrail: 1 }),
      bid('proven', { successRate: 0.95 }),
      bid('fresh'),
    ]);
    expect(ranked.map((b) => b.agentId)).toEqual(['proven', 'fresh', 'danger', 'busy', 'full']);
    expect(ranked.at(-1)).toMatchObject({ eligible: false, reason: 'at capacity (4/4)' });
  });

  it('spreads equal bids over the agents by task, the same way on every run', () => {
    const idle = Array.from({ length: 20 }, (_, i) => bid(`agent-${i}`));
    const firstChoices = new Set(Array.from({ length: 50 }, (_, t) => rankBids(['reconciliation'], idle, `task-${t}`)[0]?.agentId));
    expect(firstChoices.size).toBeGreaterThan(10);
    expect(rankBids(['reconciliation'], idle, 'task-7').map((b) => b.agentId)).toEqual(rankBids(['reconciliation'], [...idle].reverse(), 'task-7').map((b) => b.agentId));
  });

  it('lets a success trail pull less the busier its agent is', () => {
    const idleWithTrail = scoreBid(['reconciliation'], bid('a', { successTrail: 1 }));
    const busyWithTrail = scoreBid(['reconciliation'], bid('b', { successTrail: 1, load: 2 }));
    const idleWithout = scoreBid(['reconciliation'], bid('c'));
    expect(idleWithTrail.parts.pheromone).toBe(1);
    expect(busyWithTrail.parts.pheromone).toBe(0.75);
    // An idle peer without a trail beats a half-busy agent with one.
    expect(idleWithout.score).toBeGreaterThan(busyWithTrail.score);
  });

  it('counts recent work as load: a proven agent that did the most lately loses to an idle newcomer', () => {
    const ranked = rankBids(['reconciliation'], [
      bid('proven-and-worked', { successRate: 0.95, successTrail: 1, recentWorkMs: 60_000 }),
      bid('proven-a-little', { successRate: 0.95, successTrail: 1, recentWorkMs: 3_000 }),
      bid('newcomer', { recentWorkMs: 0 }),
    ]);
    expect(ranked.map((b) => b.agentId)).toEqual(['proven-a-little', 'newcomer', 'proven-and-worked']);
    expect(ranked.at(-1)?.parts.load).toBe(0);
    // Slots held now still count when they weigh more than the work done.
    expect(utilisationOf(bid('x', { load: 3, recentWorkMs: 10 }), 100)).toBe(0.75);
    expect(utilisationOf(bid('x', { load: 1, recentWorkMs: 50 }), 100)).toBe(0.5);
  });

  it('never awards to an agent lacking every required capability', () => {
    const [only] = rankBids(['kyc'], [bid('a')]);
    expect(only).toMatchObject({ eligible: false, reason: 'lacks every required capability' });
  });
});

describe("agents' success rates for bidding", () => {
  it('counts a newcomer as its type average and pulls a short record towards it', () => {
    const records = new Map([
      ['veteran', { tasks: 90, successRate: 0.9 }],
      ['lucky', { tasks: 1, successRate: 1 }],
      ['unlucky', { tasks: 10, successRate: 0.5 }],
    ]);
    const rates = smoothedSuccessRates(['veteran', 'lucky', 'unlucky', 'newcomer'], records);
    const average = (90 * 0.9 + 1 + 5) / 101;
    expect(rates.get('newcomer')).toBeCloseTo(average, 10);
    expect(rates.get('lucky')).toBeCloseTo((1 + 10 * average) / 11, 10);
    expect(rates.get('lucky') ?? 0).toBeLessThan(rates.get('veteran') ?? 0);
    expect(rates.get('unlucky') ?? 1).toBeLessThan(average);
    expect(smoothedSuccessRates(['a'], new Map()).get('a')).toBe(0.5);
  });
});

describe('swarm metrics', () => {
  it('computes the Gini coefficient of load', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 10])).toBe(0.75);
    expect(gini([])).toBe(0);
    expect(gini([1, 2, 3, 4])).toBe(0.25);
  });

  it('reports idle share, utilisation, SLA and time to assignment', () => {
    const metrics = swarmMetrics(
      [
        { agentType: 'a', state: 'ACTIVE', load: 2, capacity: 4, awarded: 3 },
        { agentType: 'a', state: 'IDLE', load: 0, capacity: 4, awarded: 3 },
        { agentType: 'b', state: 'SLEEPING', load: 0, capacity: 4, awarded: 0 },
      ],
      [
        { waitMs: 10, runMs: 100, slaMs: 200 },
        { waitMs: 30, runMs: 500, slaMs: 200 },
        { waitMs: 20, runMs: null, slaMs: 200 },
      ],
    );
    expect(metrics).toMatchObject({ agents: 3, running: 2, idlePercent: 50, utilisationPercent: 25, completedWithinSlaPercent: 50 });
    expect(metrics.loadGiniByType).toEqual({ a: 0, b: 0 });
    expect(metrics.timeToAssignmentMs.p50).toBe(20);
  });

  it('never counts a failed task as completed within its SLA', () => {
    const quickFailure = { waitMs: 5, runMs: 10, slaMs: 200, succeeded: false };
    const quickSuccess = { waitMs: 5, runMs: 10, slaMs: 200, succeeded: true };
    expect(swarmMetrics([], [quickFailure, quickSuccess]).completedWithinSlaPercent).toBe(50);
  });
});
