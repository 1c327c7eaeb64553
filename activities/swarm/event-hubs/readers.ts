import type { CheckpointStore, Subscription } from '@azure/event-hubs';
import { currentStrength, type PheromoneType } from '../../../core/swarm/pheromones.js';
import { depositInput, type PheromoneNotice } from '../ports.js';
import { consumerGroupFor, wholeFieldConsumerGroup, type FeedPurpose } from './consumer-groups.js';
import { startCacheFeed, startNoticeFeed, type CacheFeed, type ConsumerFactory, type PheromoneConsumer } from './feeds.js';
import { TenantTrails } from './tenant-trails.js';
import type { TrailEvent } from './trail-event.js';

/** The longest a trail lives: the port's limit on a TTL (a reinforcement's fresh TTL is no longer). */
export const MAX_TTL_MS = depositInput.shape.ttlMs.maxValue ?? 7 * 24 * 3600 * 1000;
/** Room for clock skew between writers and the service's enqueue times. */
const REPLAY_MARGIN_MS = 10 * 60_000;
const WHOLE_FIELD = '*';

export interface HubReadersOptions {
  consumerFor: ConsumerFactory;
  checkpointStore: CheckpointStore;
  clock: () => number;
  /** One reader for every tenant (the whole-field groups) instead of one per tenant served. */
  wholeField: boolean;
  catchUpTimeoutMs: number;
}

/** The hub read for one tenant, or for all of them: the caches it feeds, and its notices while anyone listens. */
interface Reader {
  tenant: string | undefined;
  caches: Map<string, TenantTrails>;
  cacheConsumer: PheromoneConsumer;
  cache: CacheFeed;
  notices?: { consumer: PheromoneConsumer; subscription: Subscription };
}

function cacheOf(caches: Map<string, TenantTrails>, tenant: string): TenantTrails {
  let trails = caches.get(tenant);
  if (!trails) caches.set(tenant, (trails = new TenantTrails()));
  return trails;
}

function groupFor(tenant: string | undefined, purpose: FeedPurpose): string {
  return tenant === undefined ? wholeFieldConsumerGroup(purpose) : consumerGroupFor(tenant, purpose);
}

/**
 * A worker's readers of the hub: started per tenant on first use (or once for the whole field), each feeding caches
 * and, while anyone subscribes, telling notices.
 */
export class HubReaders {
  /** By tenant, or one entry under WHOLE_FIELD. */
  private readonly readers = new Map<string, Promise<Reader>>();
  private readonly handlers = new Set<(notice: PheromoneNotice) => void>();
  private closed = false;

  constructor(private readonly options: HubReadersOptions) {}

  /** Starts reading now, so the first call finds the cache caught up; a failure here is reported by that call. */
  warmUp(tenants: readonly string[]): void {
    for (const tenant of this.options.wholeField ? [undefined] : tenants) void this.readerFor(tenant).catch(() => undefined);
  }

  /** The tenant's cache, caught up with the hub. */
  async trailsOf(tenant: string): Promise<TenantTrails> {
    return cacheOf((await this.readerFor(this.options.wholeField ? undefined : tenant)).caches, tenant);
  }

  /** Tenants with live trails of the type among those read (every tenant when reading the whole field). */
  async tenantsWith(type: PheromoneType): Promise<string[]> {
    if (this.options.wholeField) await this.readerFor(undefined);
    const now = this.options.clock();
    const tenants = new Set<string>();
    for (const reader of await this.started()) {
      for (const [tenant, trails] of reader.caches) {
        if (trails.all().some((trail) => trail.type === type && currentStrength(trail, now) > 0)) tenants.add(tenant);
      }
    }
    return [...tenants].sort();
  }

  async subscribe(handler: (notice: PheromoneNotice) => void): Promise<() => Promise<void>> {
    this.handlers.add(handler);
    for (const reader of await this.started()) this.startNotices(reader);
    return async () => {
      this.handlers.delete(handler);
      if (this.handlers.size > 0) return;
      for (const reader of await this.started()) await this.stopNotices(reader);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const readers = await this.started();
    this.readers.clear();
    for (const reader of readers) {
      await this.stopNotices(reader);
      await reader.cache.subscription.close();
      await reader.cacheConsumer.close();
    }
  }

  private async started(): Promise<Reader[]> {
    const results = await Promise.allSettled(this.readers.values());
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  private async readerFor(tenant: string | undefined): Promise<Reader> {
    if (this.closed) throw new Error('the pheromone field is closed');
    const key = tenant ?? WHOLE_FIELD;
    let starting = this.readers.get(key);
    if (!starting) {
      const attempt = this.startReader(tenant);
      this.readers.set(key, attempt);
      // A reader that could not start is tried afresh by the next call.
      attempt.catch(() => this.readers.get(key) === attempt && this.readers.delete(key));
      starting = attempt;
    }
    return this.caughtUp(await starting);
  }

  private async startReader(tenant: string | undefined): Promise<Reader> {
    const cacheConsumer = this.options.consumerFor({ tenant, purpose: 'cache', consumerGroup: groupFor(tenant, 'cache') });
    const caches = new Map<string, TenantTrails>();
    const route = (event: TrailEvent) => (tenant === undefined || event.tenant === tenant ? cacheOf(caches, event.tenant) : undefined);
    let cache: CacheFeed;
    try {
      cache = await startCacheFeed(cacheConsumer, route, new Date(this.options.clock() - MAX_TTL_MS - REPLAY_MARGIN_MS));
    } catch (error) {
      await cacheConsumer.close().catch(() => undefined);
      throw error;
    }
    const reader: Reader = { tenant, caches, cacheConsumer, cache };
    this.startNotices(reader);
    return reader;
  }

  private async caughtUp(reader: Reader): Promise<Reader> {
    if (reader.cache.isCaughtUp()) return reader;
    const { catchUpTimeoutMs } = this.options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const cause = reader.cache.lastError();
        const scope = reader.tenant === undefined ? 'the pheromone field' : `the pheromone field of tenant ${reader.tenant}`;
        reject(new Error(`${scope} has not caught up with the event hub within ${catchUpTimeoutMs} ms${cause ? `: ${cause.message}` : ''}`));
      }, catchUpTimeoutMs);
    });
    try {
      await Promise.race([reader.cache.caughtUp, timeout]);
      return reader;
    } finally {
      clearTimeout(timer);
    }
  }

  private startNotices(reader: Reader): void {
    if (reader.notices || this.handlers.size === 0 || this.closed) return;
    const { tenant } = reader;
    const consumer = this.options.consumerFor({ tenant, purpose: 'notices', consumerGroup: groupFor(tenant, 'notices'), checkpointStore: this.options.checkpointStore });
    const serves = (of: string) => tenant === undefined || of === tenant;
    reader.notices = { consumer, subscription: startNoticeFeed(consumer, serves, this.options.clock, (notice) => this.notifyAll(notice)) };
  }

  private async stopNotices(reader: Reader): Promise<void> {
    const notices = reader.notices;
    reader.notices = undefined;
    if (!notices) return;
    await notices.subscription.close();
    await notices.consumer.close();
  }

  private notifyAll(notice: PheromoneNotice): void {
    for (const handler of this.handlers) {
      try {
        handler(notice);
      } catch {
        // One subscriber's failure is its own: the others still hear, and the feed goes on.
      }
    }
  }
}
