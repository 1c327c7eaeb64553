/*
 * Pheromones (whitepaper §14.3, §14.7): signals that agents deposit at a location and that evaporate linearly over
 * their time to live. Pure functions over plain records; time is always passed in, never read.
 */

export const PHEROMONE_TYPES = ['task', 'resource', 'danger', 'success', 'capability', 'load_balancing', 'coordination'] as const;
export type PheromoneType = (typeof PHEROMONE_TYPES)[number];

/** Named strength levels; any value in [0, 1] is accepted. */
export const PHEROMONE_STRENGTH = { TRACE: 0.1, LOW: 0.3, MEDIUM: 0.5, HIGH: 0.7, CRITICAL: 1.0 } as const;
export type PheromoneLevel = keyof typeof PHEROMONE_STRENGTH;

export interface PheromoneTrail {
  type: PheromoneType;
  /** e.g. `finance.reconciliation`, `integrations.stripe`: the partition key of the field. */
  location: string;
  /** Strength when deposited (or last reinforced), in [0, 1]. */
  strength: number;
  /** When deposited or last reinforced (ms since epoch). */
  depositedAt: number;
  /** When it has fully evaporated (ms since epoch). */
  expiresAt: number;
}

/** strength × (1 − elapsed / TTL), 0 once expired (and never negative, never above the deposit). */
export function currentStrength(trail: Pick<PheromoneTrail, 'strength' | 'depositedAt' | 'expiresAt'>, now: number): number {
  const ttl = trail.expiresAt - trail.depositedAt;
  if (ttl <= 0 || now >= trail.expiresAt) return 0;
  const elapsed = Math.max(0, now - trail.depositedAt);
  return clampStrength(trail.strength * (1 - elapsed / ttl));
}

export function clampStrength(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/**
 * A repeated deposit at the same place strengthens the trail: what is left of it plus the new deposit, capped at 1.0.
 * The reinforced trail starts a fresh TTL from now (the longer of the two), so a busy path stays marked.
 */
export function reinforce(trail: PheromoneTrail, deposit: { strength: number; ttlMs: number }, now: number): PheromoneTrail {
  const remainingTtl = Math.max(0, trail.expiresAt - now);
  return {
    ...trail,
    strength: clampStrength(currentStrength(trail, now) + deposit.strength),
    depositedAt: now,
    expiresAt: now + Math.max(remainingTtl, deposit.ttlMs),
  };
}

/** The moment a trail's strength falls to `threshold` (now, if it already has). */
export function fallsBelowAt(trail: Pick<PheromoneTrail, 'strength' | 'depositedAt' | 'expiresAt'>, threshold: number, now: number): number {
  if (currentStrength(trail, now) <= threshold) return now;
  const ttl = trail.expiresAt - trail.depositedAt;
  // strength × (1 − t/ttl) = threshold  ⇒  t = ttl × (1 − threshold/strength)
  return Math.ceil(trail.depositedAt + ttl * (1 - threshold / trail.strength));
}

/**
 * A submitted task's pheromone (whitepaper §5.B): priority × urgency × 1/attempts, with priority 1–5 scaled to
 * 0.2–1.0 and urgency in [0, 1] (1 when the task has no deadline pressure information: every task is urgent to
 * somebody). Retried tasks call less loudly, so fresh work is not starved by one that keeps failing.
 */
export function taskPheromoneStrength(task: { priority: number; urgency?: number; attempts?: number }): number {
  const priority = Math.min(5, Math.max(1, task.priority)) / 5;
  const urgency = clampStrength(task.urgency ?? 1);
  const attempts = Math.max(1, task.attempts ?? 1);
  return clampStrength(priority * urgency * (1 / attempts));
}

/** Sums the current strength of the trails of one type (a location's trails add up, capped at 1). */
export function fieldStrength(trails: PheromoneTrail[], type: PheromoneType, now: number): number {
  return clampStrength(trails.filter((trail) => trail.type === type).reduce((sum, trail) => sum + currentStrength(trail, now), 0));
}
