/**
 * A least-recently-used cache whose entries also expire after a time to live. The clock is passed in, so the
 * cache stays pure and its expiry is testable without waiting.
 */
export interface LruCacheOptions {
  maxEntries: number;
  ttlMs: number;
  now: () => number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  expirations: number;
  size: number;
}

export class LruCache<V> {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used entry first.
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly counters = { hits: 0, misses: 0, evictions: 0, expirations: 0 };

  constructor(private readonly options: LruCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new Error('cache maxEntries must be a positive integer');
    if (!(options.ttlMs > 0)) throw new Error('cache ttlMs must be positive');
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.counters.misses += 1;
      return undefined;
    }
    this.entries.delete(key);
    if (entry.expiresAt <= this.options.now()) {
      this.counters.expirations += 1;
      this.counters.misses += 1;
      return undefined;
    }
    this.entries.set(key, entry);
    this.counters.hits += 1;
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.options.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      this.counters.evictions += 1;
    }
  }

  stats(): CacheStats {
    return { ...this.counters, size: this.entries.size };
  }
}
