import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '@azure/event-hubs';
import { parseInput } from '../../../core/validation.js';
import type { PheromoneType } from '../../../core/swarm/pheromones.js';
import { depositInput, detectQuery, type DepositInput, type DetectQuery, type Pheromone, type PheromoneField } from '../ports.js';
import { BatchingSender, DEFAULT_BATCHING, type BatchingOptions, type PheromoneProducer } from './batching-sender.js';
import type { ConsumerFactory } from './feeds.js';
import { HubReaders } from './readers.js';
import type { TenantTrails } from './tenant-trails.js';
import { adoptEvent, toPheromone } from './trail-fold.js';
import { TRAIL_EVENT_VERSION, toEventData, type TrailEvent } from './trail-event.js';

export { MAX_TTL_MS } from './readers.js';

/*
 * The pheromone field on Azure Event Hubs: writes are events (partition key = location, so one place's events keep
 * their order in one partition), sent in small batches; reads come from a cache every worker keeps per tenant it
 * serves, fed from the hub, with evaporation computed when read. A worker sees its own write as soon as the send
 * resolves (before the hub echoes it back; the echo is recognised by its event id, as is a retried send's duplicate).
 *
 * Rebuilding the cache. A checkpoint says where a reader stopped, not what the field holds: a cache rebuilt from a
 * checkpoint would miss every trail deposited before it. But no trail outlives MAX_TTL_MS after the last event that
 * wrote it, so every worker rebuilds its cache by reading every partition from now − MAX_TTL — the service starts at
 * the oldest event it keeps when retention is shorter, so max(now − MAX_TTL, retention start) — and these readers
 * keep no checkpoints. Events carry the writer's resulting trail, so a trail whose earlier events are older than the
 * window is still rebuilt as it stands. Checkpoints serve the subscribers instead: notices are read by one worker per
 * partition and checkpointed, so each is told once per tenant (once per consumer group) — unlike LISTEN/NOTIFY in
 * the Postgres adapter, where every listening worker hears every notice.
 *
 * Tenants are served lazily: the first call naming a tenant starts its readers (in the tenant's own consumer groups)
 * and waits until its cache has caught up with what the hub held, so a restarted worker never answers from a
 * half-built cache; `tenants` starts them eagerly. A worker's subscribers hear the tenants it serves, and `tenantsWith`
 * knows those. A process that follows every tenant (a trail follower) is made with `tenants: 'all'` and reads the
 * whole field through groups of its own.
 */

export interface EventHubsFieldOptions {
  producer: PheromoneProducer;
  consumerFor: ConsumerFactory;
  checkpointStore: CheckpointStore;
  /** Evaporation and event times are computed against it. */
  clock?: () => number;
  /**
   * The tenants this worker serves from the start (others are served on first use), through each tenant's consumer
   * groups; or 'all': every tenant through the whole-field groups, for a process that follows the whole field (it
   * hears every tenant's notices, and `tenantsWith` knows every tenant, not only those served so far).
   */
  tenants?: readonly string[] | 'all';
  batching?: Partial<BatchingOptions>;
  /** How long a call waits for a newly started reader to catch up before it fails. */
  catchUpTimeoutMs?: number;
}

export interface EventHubsPheromoneField extends PheromoneField {
  /** Starts serving a tenant (if it was not yet) and resolves once its cache has caught up with the hub. */
  serve(tenant: string): Promise<void>;
  /** Sends what is queued, then stops every reader and closes the clients. */
  close(): Promise<void>;
}

const trailOf = depositInput.pick({ tenant: true, type: true, location: true, depositor: true });

export function createEventHubsPheromoneField(options: EventHubsFieldOptions): EventHubsPheromoneField {
  const clock = options.clock ?? Date.now;
  const sender = new BatchingSender(options.producer, { ...DEFAULT_BATCHING, ...options.batching });
  const readers = new HubReaders({
    consumerFor: options.consumerFor,
    checkpointStore: options.checkpointStore,
    clock,
    wholeField: options.tenants === 'all',
    catchUpTimeoutMs: options.catchUpTimeoutMs ?? 60_000,
  });
  readers.warmUp(options.tenants === 'all' ? [] : (options.tenants ?? []));

  /** Applies a write here at once, sends it, and takes it back if the hub refused it. */
  const send = async (trails: TenantTrails, draft: Omit<TrailEvent, 'result'>): Promise<TrailEvent> => {
    const event = trails.applyOwn(draft);
    try {
      await sender.send(toEventData(event), event.location);
    } catch (error) {
      trails.forgetOwn(event.eventId);
      throw error;
    }
    return event;
  };

  const write = async (raw: DepositInput, op: 'deposit' | 'reinforce'): Promise<Pheromone> => {
    const input = parseInput(depositInput, raw, 'pheromone');
    const trails = await readers.trailsOf(input.tenant);
    const event = await send(trails, { v: TRAIL_EVENT_VERSION, eventId: randomUUID(), op, ...input, at: clock() });
    const trail = adoptEvent(event);
    if (!trail) throw new Error('a deposit left no trail');
    return toPheromone(input.tenant, trail, event.at);
  };

  return {
    deposit: (input) => write(input, 'deposit'),
    reinforce: (input) => write(input, 'reinforce'),

    async withdraw(raw: { tenant: string; type: PheromoneType; location: string; depositor: string }): Promise<boolean> {
      const input = parseInput(trailOf, raw, 'pheromone trail');
      const trails = await readers.trailsOf(input.tenant);
      const existed = trails.trail(input) !== undefined;
      // Sent even when this worker knows no such trail: another worker's deposit of it may not have reached us yet.
      await send(trails, { v: TRAIL_EVENT_VERSION, eventId: randomUUID(), op: 'withdraw', ...input, strength: 0, ttlMs: 0, at: clock(), data: {} });
      return existed;
    },

    async detect(raw: DetectQuery): Promise<Pheromone[]> {
      const query = parseInput(detectQuery, raw, 'pheromone query');
      const trails = await readers.trailsOf(query.tenant);
      const now = clock();
      const types = query.types ? new Set<string>(query.types) : undefined;
      const depositors = query.depositors ? new Set(query.depositors) : undefined;
      return trails
        .all()
        .filter((trail) => (!types || types.has(trail.type)) && (!query.location || trail.location === query.location) && (!depositors || depositors.has(trail.depositor)))
        .map((trail) => toPheromone(query.tenant, trail, now))
        .filter((p) => p.current > 0 && p.current >= query.minStrength)
        .sort((a, b) => b.current - a.current || a.id.localeCompare(b.id))
        .slice(0, query.limit);
    },

    async expire(tenant: string): Promise<number> {
      if (!tenant) throw new Error('expire needs a tenant: each tenant has a field of its own');
      return (await readers.trailsOf(tenant)).expire(clock());
    },

    tenantsWith: (type) => readers.tenantsWith(type),
    subscribe: (handler) => readers.subscribe(handler),
    serve: async (tenant) => void (await readers.trailsOf(tenant)),

    async close(): Promise<void> {
      await sender.drain();
      await readers.close();
      await options.producer.close();
    },
  };
}
