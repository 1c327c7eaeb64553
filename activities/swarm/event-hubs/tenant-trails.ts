import { adoptEvent, foldEvent, type CachedTrail } from './trail-fold.js';
import { trailKey, type TrailEvent } from './trail-event.js';

/**
 * Event ids remembered per tenant to drop a retried send's second copy. A duplicate follows its original within
 * seconds in the same partition (same location, same partition key), so the most recent ids suffice, during a live
 * feed and a replay alike.
 */
const REMEMBERED_EVENT_IDS = 100_000;

/** Insertion-ordered and bounded: the oldest ids are forgotten first. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = REMEMBERED_EVENT_IDS) {}

  /** True the first time an id is offered, false for a repeat. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    return true;
  }
}

/**
 * One tenant's field as one worker sees it: `confirmed` is every event read from the hub folded in partition order
 * (the same on every worker once caught up); `pending` is this worker's own writes not yet read back, applied on top
 * so a caller sees its write as soon as the send resolves. When the echo arrives it is folded in its hub position
 * and leaves `pending`, so workers converge even when two of them write one trail at once.
 */
export class TenantTrails {
  private readonly confirmed = new Map<string, CachedTrail>();
  private pending: TrailEvent[] = [];
  private readonly applied = new RecentIds();

  /** An event read from the hub; false when it was a duplicate and changed nothing. */
  applyFromHub(event: TrailEvent): boolean {
    if (!this.applied.add(event.eventId)) return false;
    const key = trailKey(event);
    const existing = this.confirmed.get(key);
    const next = existing ? foldEvent(existing, event) : adoptEvent(event);
    if (next) this.confirmed.set(key, next);
    else this.confirmed.delete(key);
    this.pending = this.pending.filter((own) => own.eventId !== event.eventId);
    return true;
  }

  /**
   * This worker's write, visible here at once: completes the event with the trail as this worker now sees it (what
   * readers without history adopt) and returns it.
   */
  applyOwn(draft: Omit<TrailEvent, 'result'>): TrailEvent {
    const after = foldEvent(this.trail(draft), { ...draft, result: null });
    const event: TrailEvent = {
      ...draft,
      result: after ? { id: after.id, strength: after.strength, depositedAt: after.depositedAt, expiresAt: after.expiresAt } : null,
    };
    this.pending.push(event);
    return event;
  }

  /** A write whose send failed: it never happened. */
  forgetOwn(eventId: string): void {
    this.pending = this.pending.filter((own) => own.eventId !== eventId);
  }

  /** The trail (confirmed, then this worker's unconfirmed writes) for one key. */
  trail(of: Pick<TrailEvent, 'type' | 'location' | 'depositor'>): CachedTrail | undefined {
    const key = trailKey(of);
    let trail = this.confirmed.get(key);
    for (const own of this.pending) if (trailKey(own) === key) trail = foldEvent(trail, own);
    return trail;
  }

  /** Every trail as this worker sees it, live or not. */
  all(): CachedTrail[] {
    const overridden = new Map<string, CachedTrail | undefined>();
    for (const own of this.pending) {
      const key = trailKey(own);
      overridden.set(key, foldEvent(overridden.has(key) ? overridden.get(key) : this.confirmed.get(key), own));
    }
    const trails: CachedTrail[] = [];
    for (const [key, trail] of this.confirmed) if (!overridden.has(key)) trails.push(trail);
    for (const trail of overridden.values()) if (trail) trails.push(trail);
    return trails;
  }

  /**
   * Forgets trails that have fully evaporated; returns how many there were. Expiry is a pure function of the events,
   * so every worker prunes its own cache and nothing is sent. (A write of this worker whose echo has not been read
   * yet is dropped too; when the echo comes, a later call counts it once more.)
   */
  expire(now: number): number {
    const evaporated = this.all().filter((trail) => trail.expiresAt <= now).length;
    for (const [key, trail] of this.confirmed) if (trail.expiresAt <= now) this.confirmed.delete(key);
    this.pending = this.pending.filter((own) => !own.result || own.result.expiresAt > now);
    return evaporated;
  }
}
