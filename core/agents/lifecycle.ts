import type { CostTier } from './repository/schema.js';

/*
 * The lifecycle of one agent instance (whitepaper §10.3 A–B) as a pure state machine: `agentWorkflow` feeds it the
 * messages and timers it receives, one at a time, and carries out the effects it returns. No clocks here: the
 * workflow passes its own (deterministic) time.
 *
 *   COLD ──wake/assign──▶ WARMING ──warmed──▶ ACTIVE ⇄ IDLE ──idle timeout / sleep──▶ SLEEPING ──wake/assign──▶ WARMING …
 *   any state but RETIRED ──retire──▶ RETIRED (an ACTIVE agent first finishes its tasks)
 */

export const AGENT_STATES = ['COLD', 'WARMING', 'ACTIVE', 'IDLE', 'SLEEPING', 'RETIRED'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** States in which the agent holds compute (and is billed as running). */
export const RUNNING_STATES: readonly AgentState[] = ['WARMING', 'ACTIVE', 'IDLE'];

export type LifecycleEvent =
  | { type: 'assign'; taskId: string }
  | { type: 'release'; taskId: string; tokens?: number }
  | { type: 'wake'; reason: string; keepAliveMinutes?: number }
  /** The restore (or cold creation) that WARMING started has finished. */
  | { type: 'warmed' }
  | { type: 'sleep'; reason: string }
  /** The idle timer fired. */
  | { type: 'idle_timeout' }
  | { type: 'retire'; reason: string }
  /** The deployment changed (a redeploy): new tier, warm-pool membership, capacity or idle minutes. */
  | ({ type: 'reconfigure' } & AgentSettings);
export type LifecycleEventType = LifecycleEvent['type'];

/** What the workflow must do after a transition, in order. */
export type LifecycleEffect = { kind: 'restore' } | { kind: 'checkpoint' } | { kind: 'release_capacity' } | { kind: 'retired' };

export interface AgentUsageCounters {
  activeMs: number;
  sleepingMs: number;
  tokens: number;
}

export interface AgentLifecycle {
  state: AgentState;
  /** When the current state began (ms since epoch, workflow time). */
  stateSince: number;
  tier: CostTier;
  /** Member of the deployment's warm pool: kept running, never put to sleep by the idle timer. */
  keepWarm: boolean;
  /** Concurrent tasks this instance takes. */
  capacity: number;
  /** Tasks assigned and not yet released. */
  tasks: string[];
  idleMinutes: number;
  /** A wake with keep-alive holds the agent awake at least until then. */
  keepAliveUntil: number | null;
  /** Asked to sleep or retire while busy: done when the last task is released. */
  pending: 'sleep' | 'retire' | null;
  usage: AgentUsageCounters;
  /** Time up to which `usage` is counted. */
  meteredUntil: number;
  wakes: number;
  /** Bumped on every accepted event: the registry keeps the highest, so a late write never regresses it. */
  revision: number;
}

/** What a deployment decides about each of its instances. */
export interface AgentSettings {
  tier: CostTier;
  keepWarm: boolean;
  capacity: number;
  idleMinutes: number;
}

export interface NewAgentOptions extends AgentSettings {
  now: number;
}

export function newAgent(options: NewAgentOptions): AgentLifecycle {
  return {
    state: 'COLD',
    stateSince: options.now,
    tier: options.tier,
    keepWarm: options.keepWarm,
    capacity: options.capacity,
    tasks: [],
    idleMinutes: options.idleMinutes,
    keepAliveUntil: null,
    pending: null,
    usage: { activeMs: 0, sleepingMs: 0, tokens: 0 },
    meteredUntil: options.now,
    wakes: 0,
    revision: 0,
  };
}

export type TransitionResult = { ok: true; agent: AgentLifecycle; effects: LifecycleEffect[] } | { ok: false; reason: string };

const MINUTE_MS = 60_000;

/** Never put to sleep by a timer: always-on agents and warm-pool members. */
export function isPinnedAwake(agent: AgentLifecycle): boolean {
  return agent.tier === 'always_on' || agent.keepWarm;
}

/**
 * When the idle timer should fire: `idleMinutes` after the agent became idle, not before a keep-alive ends; null
 * when nothing should put it to sleep (not idle, pinned awake, or already asked to).
 */
export function sleepDeadline(agent: AgentLifecycle): number | null {
  if (agent.state !== 'IDLE' || isPinnedAwake(agent)) return null;
  return Math.max(agent.stateSince + agent.idleMinutes * MINUTE_MS, agent.keepAliveUntil ?? 0);
}

/** Counts time spent in the current state up to `now` (running vs sleeping). */
export function meter(agent: AgentLifecycle, now: number): AgentLifecycle {
  const elapsed = Math.max(0, now - agent.meteredUntil);
  const usage = { ...agent.usage };
  if (RUNNING_STATES.includes(agent.state)) usage.activeMs += elapsed;
  else if (agent.state === 'SLEEPING') usage.sleepingMs += elapsed;
  return { ...agent, usage, meteredUntil: Math.max(now, agent.meteredUntil) };
}

function refuse(agent: AgentLifecycle, event: LifecycleEvent, why: string): TransitionResult {
  return { ok: false, reason: `${event.type} refused in ${agent.state}: ${why}` };
}

function moveTo(agent: AgentLifecycle, state: AgentState, now: number): AgentLifecycle {
  return state === agent.state ? agent : { ...agent, state, stateSince: now };
}

function extendKeepAlive(agent: AgentLifecycle, minutes: number | undefined, now: number): AgentLifecycle {
  if (!minutes) return agent;
  return { ...agent, keepAliveUntil: Math.max(agent.keepAliveUntil ?? 0, now + minutes * MINUTE_MS) };
}

/** The state a running agent settles in: busy or idle. */
function settled(agent: AgentLifecycle): AgentState {
  return agent.tasks.length > 0 ? 'ACTIVE' : 'IDLE';
}

/**
 * One step of the machine. Refusals leave the agent untouched and say why; an accepted event returns the next
 * agent (time metered, revision bumped) and the effects to carry out.
 */
export function transition(current: AgentLifecycle, event: LifecycleEvent, now: number): TransitionResult {
  const result = step(meter(current, now), event, now);
  if (!result.ok) return result;
  return { ok: true, agent: { ...result.agent, revision: current.revision + 1 }, effects: result.effects };
}

function step(agent: AgentLifecycle, event: LifecycleEvent, now: number): TransitionResult {
  const { state } = agent;
  if (state === 'RETIRED') return refuse(agent, event, 'the agent is retired');
  switch (event.type) {
    case 'assign': {
      if (agent.tasks.includes(event.taskId)) return refuse(agent, event, `task ${event.taskId} is already assigned`);
      if (agent.pending) return refuse(agent, event, `the agent is finishing its tasks before it goes to ${agent.pending}`);
      if (agent.tasks.length >= agent.capacity) return refuse(agent, event, `at capacity (${agent.capacity} concurrent tasks)`);
      const withTask = { ...agent, tasks: [...agent.tasks, event.taskId] };
      if (state === 'COLD' || state === 'SLEEPING') return { ok: true, agent: { ...moveTo(withTask, 'WARMING', now), wakes: agent.wakes + 1 }, effects: [{ kind: 'restore' }] };
      if (state === 'WARMING') return { ok: true, agent: withTask, effects: [] };
      return { ok: true, agent: moveTo(withTask, 'ACTIVE', now), effects: [] };
    }
    case 'release': {
      if (!agent.tasks.includes(event.taskId)) return refuse(agent, event, `task ${event.taskId} is not assigned to this agent`);
      const released: AgentLifecycle = {
        ...agent,
        tasks: agent.tasks.filter((task) => task !== event.taskId),
        usage: { ...agent.usage, tokens: agent.usage.tokens + Math.max(0, Math.round(event.tokens ?? 0)) },
      };
      if (state === 'WARMING') return { ok: true, agent: released, effects: [] };
      if (released.tasks.length > 0) return { ok: true, agent: released, effects: [] };
      if (released.pending === 'sleep') return goToSleep({ ...released, pending: null }, now);
      if (released.pending === 'retire') return retire({ ...released, pending: null }, now);
      return { ok: true, agent: moveTo(released, 'IDLE', now), effects: [] };
    }
    case 'wake': {
      const kept = { ...extendKeepAlive(agent, event.keepAliveMinutes, now), pending: agent.pending === 'sleep' ? null : agent.pending };
      if (state === 'COLD' || state === 'SLEEPING') return { ok: true, agent: { ...moveTo(kept, 'WARMING', now), wakes: agent.wakes + 1 }, effects: [{ kind: 'restore' }] };
      return { ok: true, agent: kept, effects: [] };
    }
    case 'warmed': {
      if (state !== 'WARMING') return refuse(agent, event, 'nothing is warming');
      return { ok: true, agent: moveTo(agent, settled(agent), now), effects: [] };
    }
    case 'idle_timeout': {
      const deadline = sleepDeadline(agent);
      if (deadline === null) return refuse(agent, event, isPinnedAwake(agent) ? 'the agent is pinned awake' : 'the agent is not idle');
      if (now < deadline) return refuse(agent, event, 'the idle deadline moved (a wake or a task came in)');
      return goToSleep(agent, now);
    }
    case 'sleep': {
      if (agent.tier === 'always_on') return refuse(agent, event, 'always-on agents never sleep');
      if (state === 'COLD' || state === 'SLEEPING') return refuse(agent, event, 'the agent is not running');
      if (state === 'WARMING') return refuse(agent, event, 'the agent is still warming up');
      if (state === 'ACTIVE') return { ok: true, agent: { ...agent, pending: 'sleep' }, effects: [] };
      return goToSleep(agent, now);
    }
    case 'reconfigure': {
      const settings: AgentSettings = { tier: event.tier, keepWarm: event.keepWarm, capacity: event.capacity, idleMinutes: event.idleMinutes };
      const next = { ...agent, ...settings };
      // Now pinned awake (joined the warm pool, or became always-on) while down: wake it, so the pool holds its size.
      // Tasks above a lowered capacity finish; new ones wait until the load is under it.
      if (isPinnedAwake(next) && (state === 'COLD' || state === 'SLEEPING')) {
        return { ok: true, agent: { ...moveTo(next, 'WARMING', now), wakes: agent.wakes + 1 }, effects: [{ kind: 'restore' }] };
      }
      return { ok: true, agent: next, effects: [] };
    }
    case 'retire': {
      if (state === 'ACTIVE') return { ok: true, agent: { ...agent, pending: 'retire' }, effects: [] };
      return retire(agent, now);
    }
  }
}

/** Sleeping = checkpoint what the agent knows, then give its compute back; the registry entry stays. */
function goToSleep(agent: AgentLifecycle, now: number): TransitionResult {
  return { ok: true, agent: { ...moveTo(agent, 'SLEEPING', now), keepAliveUntil: null }, effects: [{ kind: 'checkpoint' }, { kind: 'release_capacity' }] };
}

function retire(agent: AgentLifecycle, now: number): TransitionResult {
  // A running agent's state is checkpointed before it goes, so a redeployment can pick it up again.
  const effects: LifecycleEffect[] = RUNNING_STATES.includes(agent.state) ? [{ kind: 'checkpoint' }] : [];
  return { ok: true, agent: { ...moveTo(agent, 'RETIRED', now), tasks: [], keepAliveUntil: null }, effects: [...effects, { kind: 'release_capacity' }, { kind: 'retired' }] };
}

/** Tasks this agent can still take right now (0 when not running or when going to sleep). */
export function freeCapacity(agent: AgentLifecycle): number {
  if (agent.state === 'RETIRED' || agent.pending) return 0;
  return Math.max(0, agent.capacity - agent.tasks.length);
}
