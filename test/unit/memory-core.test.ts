import { describe, expect, it } from 'vitest';
import { chunkText, cosineSimilarity, meanUnitVector } from '../../core/memory/chunking.js';
import { embeddingCostUsd } from '../../core/memory/cost.js';
import { LruCache } from '../../core/memory/lru-cache.js';
import { storeMemoryRequest } from '../../core/memory/requests.js';
import { MAX_EF_SEARCH, planSearch } from '../../core/memory/search-plan.js';
import { situationText } from '../../core/memory/texts.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its size and expires entries after the TTL', () => {
    let now = 0;
    const cache = new LruCache<number>({ maxEntries: 2, ttlMs: 1_000, now: () => now });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // evicts b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, evictions: 1, expirations: 1, size: 1 });
  });
});

describe('chunkText', () => {
  const countTokens = (word: string) => Math.ceil(word.length / 4);

  it('cuts a long text into pieces within the limit that overlap', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${String(i).padStart(3, '0')}`); // one token each
    const chunks = chunkText(words.join(' '), { maxTokens: 30, overlapTokens: 5, countTokens });
    expect(chunks.length).toBe(4);
    for (const chunk of chunks) expect(chunk.split(' ').length).toBeLessThanOrEqual(30);
    expect(chunks[0]!.split(' ').slice(-5)).toEqual(chunks[1]!.split(' ').slice(0, 5));
    expect(chunks.at(-1)!.endsWith('w099')).toBe(true);
    expect(new Set(chunks.flatMap((c) => c.split(' '))).size).toBe(100);
  });

  it('splits one word longer than the limit and refuses nonsense options', () => {
    const chunks = chunkText('x'.repeat(400), { maxTokens: 20, overlapTokens: 0, countTokens });
    expect(chunks.every((c) => countTokens(c) <= 20)).toBe(true);
    expect(chunks.join('').replaceAll(' ', '')).toBe('x'.repeat(400));
    expect(() => chunkText('a', { maxTokens: 10, overlapTokens: 10, countTokens })).toThrow(/overlap/);
  });

  it('averages unit vectors into a unit vector', () => {
    const mean = meanUnitVector([[1, 0], [0, 1]]);
    expect(mean[0]).toBeCloseTo(Math.SQRT1_2);
    expect(cosineSimilarity(mean, [1, 1])).toBeCloseTo(1);
    expect(() => meanUnitVector([[1, 0], [1, 0, 0]])).toThrow(/dimensions/);
  });
});

describe('planSearch', () => {
  it('scans small scopes exactly and raises ef_search by the filter selectivity for large ones', () => {
    expect(planSearch({ k: 10, scopeRows: 5_000, indexRows: 100_000, exactScanMaxRows: 20_000 })).toEqual({ mode: 'exact' });
    expect(planSearch({ k: 10, scopeRows: 20_001, indexRows: 100_000, exactScanMaxRows: 20_000 })).toEqual({ mode: 'index', efSearch: 100 });
    expect(planSearch({ k: 10, scopeRows: 20_001, indexRows: 10_000_000, exactScanMaxRows: 20_000 })).toEqual({ mode: 'index', efSearch: MAX_EF_SEARCH });
    expect(planSearch({ k: 5, scopeRows: 50_000, indexRows: 50_000, exactScanMaxRows: 20_000 })).toEqual({ mode: 'index', efSearch: 40 });
  });
});

describe('memory texts and requests', () => {
  it('describes a task input in words, clipped', () => {
    const text = situationText('reconcile_payments', 'finance.reconciliation', { invoices: [{ id: 'inv-1', amount: 100 }], note: null });
    expect(text).toBe('A reconcile payments task for the finance reconciliation agent. invoices: 1 item: id inv-1, amount 100. note: none');
    expect(situationText('t', 'a', { blob: 'x'.repeat(10_000) }).length).toBeLessThan(4_200);
  });

  it('prices tokens and validates a store request by kind', () => {
    expect(embeddingCostUsd(1_000_000, 0.02)).toBeCloseTo(0.02);
    expect(() => embeddingCostUsd(-1, 1)).toThrow();
    const ok = storeMemoryRequest.safeParse({ tenant: 't', agentId: 'a', agentType: 'x', kind: 'procedural', taskType: 'y', procedure: 'p', content: 'steps' });
    expect(ok.success).toBe(true);
    const missing = storeMemoryRequest.safeParse({ tenant: 't', agentId: 'a', agentType: 'x', kind: 'episodic', content: 'no task id' });
    expect(missing.success).toBe(false);
  });
});
