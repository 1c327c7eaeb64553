import { ApplicationFailure } from '@temporalio/activity';
import { agentWorkflowId, parseAgentId } from '../../core/agents/ids.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { capabilityMatch, rankBids, smoothedSuccessRates, type Bid } from '../../core/swarm/bids.js';
import { fallsBelowAt, fieldStrength, taskPheromoneStrength, type PheromoneTrail } from '../../core/swarm/pheromones.js';
import { InputError } from '../../core/validation.js';
import type { Db } from '../../infra/db/pool.js';
import { appendAudit } from '../audit/activities.js';
import { KEPT_BIDS, type Pheromone, type PheromoneField, type SwarmState } from './ports.js';

/** Danger this strong where a task would run delays it until the trail has evaporated below it. */
export const DANGER_DELAY_THRESHOLD = 0.5;
/** How long a task's pheromone calls for an agent, and how strongly finished work marks the trail. */
const TASK_TRAIL_TTL_MS = 10 * 60_000;
const SUCCESS_DEPOSIT = { strength: 0.3, ttlMs: 60 * 60_000 };
const FAILURE_DEPOSIT = { strength: 0.3, ttlMs: 10 * 60_000 };
/**
 * A waiting task calls again at least every 10 s (the workflow's longest wait): a task trail not refreshed for longer
 * than this belongs to a task that stopped waiting, and no longer holds anybody back.
 */
const WAITING_FRESH_MS = 25_000;
/** An agent this loaded calls for help (a load_balancing trail), and a type this loaded recruits before it is full. */
export const CROWDED_LOAD = 0.9;
const LOAD_TRAIL_TTL_MS = 15 * 60_000;
/** An agent of another type helps only if it has at least half of the overloaded type's capabilities. */
export const HELP_MIN_MATCH = 0.5;

export interface MarketTask {
  tenant: string;
  taskId: string;
  agentType: string;
  taskType: string;
  priority: number;
  /** When the task was submitted (workflow time, ISO). */
  submittedAt: string;
}

export type AwardOutcome =
  | { kind: 'awarded'; agentId: string; workflowId: string; score: number; reason: string; bids: number; crowded: boolean }
  | { kind: 'delayed'; untilMs: number; danger: number }
  | { kind: 'no_room'; bids: number; behind: number }
  | { kind: 'not_deployed' };

export interface MarketplaceDeps {
  db: Db;
  field: PheromoneField;
  state: SwarmState;
  now?: () => number;
}

interface Waiter {
  strength: number;
  submittedAt: string;
  taskId: string;
}
const waiterOf = (p: Pheromone): Waiter => ({ strength: p.strength, submittedAt: typeof p.data.submittedAt === 'string' ? p.data.submittedAt : p.depositedAt, taskId: p.depositor });
/** Louder first; as loud, the one submitted earlier; then by id, so two waiters never both defer to each other. */
function servedBefore(a: Waiter, b: Waiter): boolean {
  if (a.strength !== b.strength) return a.strength > b.strength;
  if (a.submittedAt !== b.submittedAt) return a.submittedAt < b.submittedAt;
  return a.taskId < b.taskId;
}

/** A trail an agent laid about its own work (its depositor is an agent id), as opposed to danger at the place itself. */
const laidByAgent = (p: Pheromone): boolean => parseAgentId(p.depositor) !== undefined;

/**
 * How many of the type's agents bid for a task: those with room and the least work lately (the swarm state's
 * shortlist). Scoring a thousand bids for every task costs more than it tells: the rest would lose on load anyway, and
 * choosing among the least worked keeps work spread over the whole type.
 */
export const SHORTLIST_SIZE = 32;

const asTrail = (p: Pheromone): PheromoneTrail => ({ type: p.type, location: p.location, strength: p.strength, depositedAt: Date.parse(p.depositedAt), expiresAt: Date.parse(p.expiresAt) });

/**
 * The task marketplace's activities (the `memory` pool: everything here is Postgres). Bids are scored by
 * core/swarm/bids.ts from what the swarm state and the pheromone field say now; the award itself is atomic in the port.
 */
export function createMarketplaceActivities({ db, field, state, now = Date.now }: MarketplaceDeps) {
  const rejectBadInput = (error: unknown): never => {
    if (error instanceof InputError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidSwarmInput');
    throw error;
  };

  return {
    /**
     * Opens the market for a task: announces it with a task pheromone (priority × urgency × 1/attempts) at its agent
     * type, then scores the bids of the type's instances and awards it to the best with room — or says why not.
     */
    async awardTask(task: MarketTask & { attempt: number }): Promise<AwardOutcome> {
      const shortlist = await state.shortlist(task.tenant, task.agentType, { limit: SHORTLIST_SIZE, spreadKey: task.taskId });
      if (shortlist.agents === 0) return { kind: 'not_deployed' };
      const { candidates } = shortlist;
      const strength = taskPheromoneStrength({ priority: task.priority, attempts: task.attempt });
      await field
        .deposit({ tenant: task.tenant, type: 'task', location: task.agentType, depositor: task.taskId, strength, ttlMs: TASK_TRAIL_TTL_MS, data: { taskType: task.taskType, submittedAt: task.submittedAt } })
        .catch(rejectBadInput);
      const at = now();
      // Danger and the tasks waiting here are few; read them together. Success trails are many (one per agent that did
      // well) and only the bidders' count, so they are read below for the bidders alone.
      const calls = await field.detect({ tenant: task.tenant, location: task.agentType, types: ['danger', 'task'], limit: 1000 });
      const dangers = calls.filter((t) => t.type === 'danger');
      // Danger laid by others than agents (an integration rate-limited, an alert) holds the work back.
      const placeDanger = dangers.filter((t) => !laidByAgent(t)).map(asTrail);
      const danger = fieldStrength(placeDanger, 'danger', at);
      if (danger >= DANGER_DELAY_THRESHOLD) {
        // Once every one of the n trails is below threshold/n, their sum is below the threshold: a safe wake-up time.
        return { kind: 'delayed', danger, untilMs: Math.max(...placeDanger.map((t) => fallsBelowAt(t, DANGER_DELAY_THRESHOLD / placeDanger.length, at))) };
      }
      // The strongest calls are served first: while the room there is would go to tasks calling louder (or as loud and
      // waiting longer), this one waits its turn.
      let room = Math.max(0, shortlist.capacity - shortlist.held);
      const me = { strength, submittedAt: task.submittedAt, taskId: task.taskId };
      const ahead = calls.filter((t) => t.type === 'task' && t.depositor !== task.taskId && Date.parse(t.depositedAt) >= at - WAITING_FRESH_MS && servedBefore(waiterOf(t), me)).length;
      const required = findRepositoryEntry(task.agentType)?.capabilities ?? [];
      const capabilitiesOf = (agentType: string) => (agentType === task.agentType ? required : (findRepositoryEntry(agentType)?.capabilities ?? []));
      let pool = candidates;
      if (ahead >= room) {
        // Its own type has no room for it: idle agents of other types that share enough of its capabilities help.
        const helpers = (await state.idleHelpers(task.tenant, task.agentType)).filter((h) => capabilityMatch(required, capabilitiesOf(h.agentType)) >= HELP_MIN_MATCH);
        pool = [...candidates, ...helpers];
        room += helpers.reduce((sum, h) => sum + h.capacity, 0);
      }
      if (ahead >= room) return { kind: 'no_room', bids: pool.length, behind: ahead };
      const poolIds = pool.map((c) => c.agentId);
      const record = await state.history(task.tenant, task.agentType, task.taskType, poolIds);
      const history = smoothedSuccessRates(poolIds, record.byAgent, record);
      const successes = pool.length > 0 ? await field.detect({ tenant: task.tenant, location: task.agentType, types: ['success'], depositors: poolIds, limit: 1000 }) : [];
      const trailsOf = (agentId: string, trails: Pheromone[], type: 'success' | 'danger') => fieldStrength(trails.filter((t) => t.depositor === agentId).map(asTrail), type, at);
      // Capability counts now: the type's own agents match fully, helpers only in part. Helpers bid only when the type's
      // own room is spoken for by the tasks waiting ahead.
      const bids: Bid[] = rankBids(
        required,
        pool.map((c) => ({
          agentId: c.agentId,
          capabilities: capabilitiesOf(c.agentType),
          load: c.load,
          capacity: c.capacity,
          recentWorkMs: c.recentWorkMs,
          successRate: history.get(c.agentId) ?? null,
          successTrail: trailsOf(c.agentId, successes, 'success'),
          dangerTrail: trailsOf(c.agentId, dangers, 'danger'),
        })),
        task.taskId,
      );
      const loadOf = new Map(pool.map((c) => [c.agentId, c.load]));
      const award = await state
        .award({ tenant: task.tenant, taskId: task.taskId, agentType: task.agentType, taskType: task.taskType, submittedAt: task.submittedAt, bids: bids.map((b) => ({ ...b, load: loadOf.get(b.agentId) })) })
        .catch(rejectBadInput);
      if (!award) return { kind: 'no_room', bids: bids.length, behind: ahead };
      // A retry finds the award its first try made, to an agent that may have left the shortlist since (it holds one
      // more task): its workflow is known from its id.
      const winner = pool.find((c) => c.agentId === award.agentId);
      const awardedType = parseAgentId(award.agentId);
      const workflowId = winner?.workflowId ?? (award.existing && awardedType ? agentWorkflowId(task.tenant, awardedType.agentType, awardedType.instance) : undefined);
      if (!workflowId) throw new Error(`award went to ${award.agentId}, which is not a candidate`);
      // The slot is held from here: what follows runs at once, so the award's own bookkeeping counts little against the
      // agent's time. Claimed work stops calling for an agent; an agent at 90% or more of its capacity calls for help.
      const winnerLoad = winner ? (winner.load + 1) / Math.max(1, winner.capacity) : 0;
      await Promise.all([
        field.withdraw({ tenant: task.tenant, type: 'task', location: task.agentType, depositor: task.taskId }),
        winnerLoad >= CROWDED_LOAD
          ? field.deposit({ tenant: task.tenant, type: 'load_balancing', location: task.agentType, depositor: award.agentId, strength: Math.min(1, winnerLoad), ttlMs: LOAD_TRAIL_TTL_MS, data: { load: (winner?.load ?? 0) + 1, capacity: winner?.capacity ?? 0 } })
          : undefined,
        appendAudit(db, {
          tenant: task.tenant,
          taskId: task.taskId,
          kind: 'task.awarded',
          actor: 'marketplace',
          details: {
            agentId: award.agentId,
            score: award.score,
            reason: award.reason,
            bidders: bids.length,
            bids: bids.slice(0, KEPT_BIDS).map((b) => ({ agentId: b.agentId, score: b.score, eligible: b.eligible, reason: b.reason, parts: b.parts })),
          },
          idempotencyKey: `task:${task.tenant}:${task.taskId}:awarded`,
        }),
      ]);
      // The type as a whole that loaded recruits at once.
      const crowded = shortlist.capacity === 0 || (shortlist.held + 1) / shortlist.capacity >= CROWDED_LOAD;
      return { kind: 'awarded', agentId: award.agentId, workflowId, score: award.score, reason: award.reason, bids: bids.length, crowded };
    },

    /** Gives the agent's slot back and marks the trail: success reinforces the agent's path, failure warns others off it. */
    async releaseTask(input: { tenant: string; taskId: string; agentType: string; agentId: string; succeeded: boolean; workMs?: number }): Promise<boolean> {
      if (input.workMs !== undefined && !(Number.isFinite(input.workMs) && input.workMs >= 0)) throw ApplicationFailure.nonRetryable(`workMs must be a duration, not ${input.workMs}`, 'InvalidSwarmInput');
      const released = await state.release(input.tenant, input.taskId, input.succeeded, input.workMs);
      const trail = { tenant: input.tenant, location: input.agentType, depositor: input.agentId, data: { taskId: input.taskId } };
      // Below 90% again, an agent that was calling for help stops (a retry, not knowing, makes sure).
      const callingBefore = !released || (released.load + 1) / Math.max(1, released.capacity) >= CROWDED_LOAD;
      const callingNow = released !== null && released.load / Math.max(1, released.capacity) >= CROWDED_LOAD;
      await Promise.all([
        callingBefore && !callingNow ? field.withdraw({ tenant: input.tenant, type: 'load_balancing', location: input.agentType, depositor: input.agentId }) : undefined,
        // Reinforcing adds strength, so only the call that closed the award lays the success trail: a retry never
        // doubles it. A danger deposit only refreshes its trail, so a retry lays it again safely.
        input.succeeded && released ? field.reinforce({ ...trail, type: 'success', ...SUCCESS_DEPOSIT }) : undefined,
        input.succeeded ? undefined : field.deposit({ ...trail, type: 'danger', ...FAILURE_DEPOSIT }),
      ]);
      return released !== null;
    },
  };
}
export type MarketplaceActivities = ReturnType<typeof createMarketplaceActivities>;
