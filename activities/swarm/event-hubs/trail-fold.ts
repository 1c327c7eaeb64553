import { currentStrength, reinforce as reinforceTrail, type PheromoneType } from '../../../core/swarm/pheromones.js';
import type { JsonObject } from '../../../core/tasks/json.js';
import type { Pheromone } from '../ports.js';
import type { TrailEvent } from './trail-event.js';

/** A trail as a reader's cache keeps it: strength as deposited, evaporation applied when read. */
export interface CachedTrail {
  id: string;
  type: PheromoneType;
  location: string;
  depositor: string;
  strength: number;
  depositedAt: number;
  expiresAt: number;
  data: JsonObject;
}

/**
 * Applies one event to the trail it names, with the Postgres adapter's rules and the core's arithmetic, at the
 * writer's clock: a deposit refreshes a live trail (the stronger of what is left and the new strength wins), a
 * reinforcement adds to what is left (capped at 1, fresh TTL), anything on a dead trail starts it afresh, and a
 * withdrawal removes it. `undefined` means no trail.
 */
export function foldEvent(existing: CachedTrail | undefined, event: TrailEvent): CachedTrail | undefined {
  if (event.op === 'withdraw') return undefined;
  const now = event.at;
  const fresh = { strength: event.strength, depositedAt: now, expiresAt: now + event.ttlMs };
  if (!existing) return { id: event.eventId, type: event.type, location: event.location, depositor: event.depositor, data: event.data, ...fresh };
  const trail = { type: existing.type, location: existing.location, strength: existing.strength, depositedAt: existing.depositedAt, expiresAt: existing.expiresAt };
  const left = currentStrength(trail, now);
  const live = left > 0;
  const next =
    event.op === 'reinforce' && live
      ? reinforceTrail(trail, { strength: event.strength, ttlMs: event.ttlMs }, now)
      : { ...fresh, strength: live ? Math.max(left, event.strength) : event.strength };
  // Like a Postgres row, the trail keeps its id across refreshes; a withdrawal ends it and a new deposit gets a new one.
  return { ...existing, strength: next.strength, depositedAt: next.depositedAt, expiresAt: next.expiresAt, data: event.data };
}

/**
 * The trail a reader adopts for an event it cannot fold because it holds nothing for that trail: the writer's result
 * when the writer saw history the reader lacks, else the fold on nothing (the same thing when their views agree).
 */
export function adoptEvent(event: TrailEvent): CachedTrail | undefined {
  if (event.op === 'withdraw' || !event.result) return foldEvent(undefined, event);
  return { type: event.type, location: event.location, depositor: event.depositor, data: event.data, ...event.result };
}

export function toPheromone(tenant: string, trail: CachedTrail, now: number): Pheromone {
  return {
    id: trail.id,
    tenant,
    type: trail.type,
    location: trail.location,
    depositor: trail.depositor,
    strength: trail.strength,
    current: Math.round(currentStrength(trail, now) * 10_000) / 10_000,
    depositedAt: new Date(trail.depositedAt).toISOString(),
    expiresAt: new Date(trail.expiresAt).toISOString(),
    data: trail.data,
  };
}
