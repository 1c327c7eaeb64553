import { describe, expect, it } from 'vitest';
import { ANTS_SEARCH_ATTRIBUTES } from '../../core/tasks/search-attributes.js';
import { agentSearchAttributes } from '../../workflows/agent/search-attributes.js';
import {
  AGENT_STATES,
  freeCapacity,
  newAgent,
  sleepDeadline,
  transition,
  type AgentLifecycle,
  type AgentState,
  type LifecycleEvent,
  type LifecycleEventType,
} from '../../core/agents/lifecycle.js';

const T0 = Date.UTC(2025, 0, 6, 9);
const MIN = 60_000;

function accept(agent: AgentLifecycle, event: LifecycleEvent, now: number) {
  const result = transition(agent, event, now);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

/** An on-demand agent (capacity 2, 30 idle minutes) brought into `state` through legal transitions only. */
function agentIn(state: AgentState, overrides: Partial<AgentLifecycle> = {}): AgentLifecycle {
  const cold = { ...newAgent({ tier: 'on_demand', keepWarm: false, capacity: 2, idleMinutes: 30, now: T0 }), ...overrides };
  if (state === 'COLD') return cold;
  const warming = accept(cold, { type: 'wake', reason: 'test' }, T0).agent;
  if (state === 'WARMING') return warming;
  const idle = accept(warming, { type: 'warmed' }, T0).agent;
  if (state === 'IDLE') return idle;
  if (state === 'ACTIVE') return accept(idle, { type: 'assign', taskId: 'task-1' }, T0).agent;
  if (state === 'SLEEPING') return accept(idle, { type: 'sleep', reason: 'test' }, T0).agent;
  return accept(idle, { type: 'retire', reason: 'test' }, T0).agent;
}

/** The event of each type a test sends; `release` names the task `agentIn('ACTIVE')` holds. */
const EVENTS: Record<LifecycleEventType, LifecycleEvent> = {
  assign: { type: 'assign', taskId: 'task-2' },
  release: { type: 'release', taskId: 'task-1' },
  wake: { type: 'wake', reason: 'api', keepAliveMinutes: 10 },
  warmed: { type: 'warmed' },
  sleep: { type: 'sleep', reason: 'operator' },
  idle_timeout: { type: 'idle_timeout' },
  retire: { type: 'retire', reason: 'undeploy' },
  reconfigure: { type: 'reconfigure', tier: 'on_demand', keepWarm: false, capacity: 3, idleMinutes: 10 },
};

/**
 * The whole table for an on-demand agent, sent at T0 + 31 min (past the idle deadline): the state each event
 * leads to, or `refused`. ACTIVE + sleep/retire stay ACTIVE with the request pending until the last task ends.
 */
const TABLE: Record<AgentState, Record<LifecycleEventType, AgentState | 'refused'>> = {
  COLD: { assign: 'WARMING', release: 'refused', wake: 'WARMING', warmed: 'refused', sleep: 'refused', idle_timeout: 'refused', retire: 'RETIRED', reconfigure: 'COLD' },
  WARMING: { assign: 'WARMING', release: 'refused', wake: 'WARMING', warmed: 'IDLE', sleep: 'refused', idle_timeout: 'refused', retire: 'RETIRED', reconfigure: 'WARMING' },
  IDLE: { assign: 'ACTIVE', release: 'refused', wake: 'IDLE', warmed: 'refused', sleep: 'SLEEPING', idle_timeout: 'SLEEPING', retire: 'RETIRED', reconfigure: 'IDLE' },
  ACTIVE: { assign: 'ACTIVE', release: 'IDLE', wake: 'ACTIVE', warmed: 'refused', sleep: 'ACTIVE', idle_timeout: 'refused', retire: 'ACTIVE', reconfigure: 'ACTIVE' },
  SLEEPING: { assign: 'WARMING', release: 'refused', wake: 'WARMING', warmed: 'refused', sleep: 'refused', idle_timeout: 'refused', retire: 'RETIRED', reconfigure: 'SLEEPING' },
  RETIRED: { assign: 'refused', release: 'refused', wake: 'refused', warmed: 'refused', sleep: 'refused', idle_timeout: 'refused', retire: 'refused', reconfigure: 'refused' },
};

describe('agent lifecycle state machine', () => {
  for (const state of AGENT_STATES) {
    for (const [type, expected] of Object.entries(TABLE[state]) as Array<[LifecycleEventType, AgentState | 'refused']>) {
      it(`${state} --${type}--> ${expected}`, () => {
        const agent = agentIn(state);
        const result = transition(agent, EVENTS[type], T0 + 31 * MIN);
        if (expected === 'refused') {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.reason).toContain(`${type} refused in ${state}`);
          return;
        }
        expect(result.ok).toBe(true);
        if (result.ok) {
          expect(result.agent.state).toBe(expected);
          expect(result.agent.revision).toBe(agent.revision + 1);
        }
      });
    }
  }

  it('restores on every way into WARMING and checkpoints then releases capacity on the way to SLEEPING', () => {
    expect(accept(agentIn('COLD'), EVENTS.wake, T0).effects).toEqual([{ kind: 'restore' }]);
    expect(accept(agentIn('SLEEPING'), EVENTS.assign, T0).effects).toEqual([{ kind: 'restore' }]);
    expect(accept(agentIn('IDLE'), EVENTS.idle_timeout, T0 + 30 * MIN).effects).toEqual([{ kind: 'checkpoint' }, { kind: 'release_capacity' }]);
    expect(accept(agentIn('IDLE'), EVENTS.retire, T0).effects).toEqual([{ kind: 'checkpoint' }, { kind: 'release_capacity' }, { kind: 'retired' }]);
    expect(accept(agentIn('SLEEPING'), EVENTS.retire, T0).effects).toEqual([{ kind: 'release_capacity' }, { kind: 'retired' }]);
  });

  it('a task assigned to a sleeping agent wakes it and makes it ACTIVE once warm', () => {
    const warming = accept(agentIn('SLEEPING'), EVENTS.assign, T0).agent;
    expect(warming.tasks).toEqual(['task-2']);
    expect(warming.wakes).toBe(2);
    expect(accept(warming, EVENTS.warmed, T0).agent.state).toBe('ACTIVE');
  });

  it('a busy agent asked to sleep finishes its tasks first, refuses new ones, then sleeps', () => {
    const draining = accept(agentIn('ACTIVE'), EVENTS.sleep, T0).agent;
    expect(draining.pending).toBe('sleep');
    expect(freeCapacity(draining)).toBe(0);
    expect(transition(draining, EVENTS.assign, T0).ok).toBe(false);
    const slept = accept(draining, EVENTS.release, T0 + MIN);
    expect(slept.agent.state).toBe('SLEEPING');
    expect(slept.effects[0]).toEqual({ kind: 'checkpoint' });
    // A wake while draining cancels the sleep.
    expect(accept(draining, EVENTS.wake, T0).agent.pending).toBeNull();
  });

  it('a busy agent asked to retire retires when its last task is released', () => {
    const leaving = accept(agentIn('ACTIVE'), EVENTS.retire, T0).agent;
    expect(accept(leaving, EVENTS.release, T0).agent.state).toBe('RETIRED');
  });

  it('refuses a task above capacity and a task assigned twice', () => {
    const full = accept(agentIn('ACTIVE'), EVENTS.assign, T0).agent;
    expect(full.tasks).toHaveLength(2);
    const third = transition(full, { type: 'assign', taskId: 'task-3' }, T0);
    expect(third.ok || third.reason).toMatch(/at capacity \(2/);
    const again = transition(full, EVENTS.assign, T0);
    expect(again.ok || again.reason).toMatch(/already assigned/);
  });

  it('sleeps after the idle minutes, not before, and not before a keep-alive ends', () => {
    const idle = agentIn('IDLE');
    expect(sleepDeadline(idle)).toBe(T0 + 30 * MIN);
    expect(transition(idle, EVENTS.idle_timeout, T0 + 29 * MIN).ok).toBe(false);
    const kept = accept(idle, { type: 'wake', reason: 'api', keepAliveMinutes: 90 }, T0 + 5 * MIN).agent;
    expect(sleepDeadline(kept)).toBe(T0 + 95 * MIN);
    expect(transition(kept, EVENTS.idle_timeout, T0 + 31 * MIN).ok).toBe(false);
    expect(accept(kept, EVENTS.idle_timeout, T0 + 95 * MIN).agent.state).toBe('SLEEPING');
  });

  it('never puts always-on agents or warm-pool members to sleep', () => {
    for (const pinned of [agentIn('IDLE', { tier: 'always_on' }), agentIn('IDLE', { keepWarm: true })]) {
      expect(sleepDeadline(pinned)).toBeNull();
      expect(transition(pinned, EVENTS.idle_timeout, T0 + 999 * MIN).ok).toBe(false);
    }
    const alwaysOn = transition(agentIn('IDLE', { tier: 'always_on' }), EVENTS.sleep, T0);
    expect(alwaysOn.ok || alwaysOn.reason).toMatch(/never sleep/);
    // A warm-pool member can still be put to sleep on purpose.
    expect(accept(agentIn('IDLE', { keepWarm: true }), EVENTS.sleep, T0).agent.state).toBe('SLEEPING');
  });

  it('a redeploy reconfigures a running instance: joining the warm pool wakes it, leaving it lets the idle timer act', () => {
    const settings = { tier: 'on_demand' as const, capacity: 2, idleMinutes: 30 };
    const joined = accept(agentIn('SLEEPING'), { type: 'reconfigure', ...settings, keepWarm: true }, T0);
    expect(joined.agent).toMatchObject({ state: 'WARMING', keepWarm: true, wakes: 2 });
    expect(joined.effects).toEqual([{ kind: 'restore' }]);
    const alwaysOn = accept(agentIn('COLD'), { type: 'reconfigure', ...settings, tier: 'always_on', keepWarm: false }, T0);
    expect(alwaysOn.agent.state).toBe('WARMING');

    const warmIdle = agentIn('IDLE', { keepWarm: true });
    expect(sleepDeadline(warmIdle)).toBeNull();
    const left = accept(warmIdle, { type: 'reconfigure', ...settings, keepWarm: false, idleMinutes: 5 }, T0 + MIN);
    expect(left.agent.state).toBe('IDLE');
    expect(sleepDeadline(left.agent)).toBe(T0 + 5 * MIN);
  });

  it('a lowered capacity lets running tasks finish and takes new ones only under it', () => {
    const full = accept(agentIn('ACTIVE'), EVENTS.assign, T0).agent;
    const shrunk = accept(full, { type: 'reconfigure', tier: 'on_demand', keepWarm: false, capacity: 1, idleMinutes: 30 }, T0).agent;
    expect(shrunk.tasks).toHaveLength(2);
    expect(freeCapacity(shrunk)).toBe(0);
    expect(transition(shrunk, { type: 'assign', taskId: 'task-3' }, T0).ok).toBe(false);
    const one = accept(accept(shrunk, EVENTS.release, T0).agent, { type: 'release', taskId: 'task-2' }, T0).agent;
    expect(accept(one, { type: 'assign', taskId: 'task-3' }, T0).agent.tasks).toEqual(['task-3']);
  });

  it('meters running and sleeping time and the tokens reported on release', () => {
    const idle = agentIn('IDLE');
    const active = accept(idle, EVENTS.assign, T0 + 10 * MIN).agent;
    const released = accept(active, { type: 'release', taskId: 'task-2', tokens: 1234 }, T0 + 40 * MIN).agent;
    const asleep = accept(released, EVENTS.sleep, T0 + 60 * MIN).agent;
    const woken = accept(asleep, EVENTS.wake, T0 + 180 * MIN).agent;
    expect(woken.usage).toEqual({ activeMs: 60 * MIN, sleepingMs: 120 * MIN, tokens: 1234 });
  });
});

describe('agent search attributes', () => {
  it('sets tenant, agent type and state, each registered with the type it is set with', () => {
    const pairs = agentSearchAttributes('acme', 'finance.reconciliation', 'SLEEPING');
    expect(pairs.map((p) => [p.key.name, p.value])).toEqual([['AntsTenant', 'acme'], ['AntsAgentType', 'finance.reconciliation'], ['AntsAgentState', 'SLEEPING']]);
    for (const pair of pairs) expect(ANTS_SEARCH_ATTRIBUTES[pair.key.name as keyof typeof ANTS_SEARCH_ATTRIBUTES]).toBe('Keyword');
  });
});
