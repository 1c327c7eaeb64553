import { createHash } from 'node:crypto';
import { chunkText, meanUnitVector } from '../../../core/memory/chunking.js';
import { embeddingCostUsd } from '../../../core/memory/cost.js';
import { LruCache, type CacheStats } from '../../../core/memory/lru-cache.js';
import { MAX_INPUTS_PER_REQUEST } from './http-provider.js';
import { EmbeddingInputError, type EmbeddingProvider } from './provider.js';

/**
 * What every caller of embeddings gets on top of a provider: a cache (sha256 of model + text → vector, LRU with a
 * time to live), batching of the misses, chunking of long documents, and token/cost accounting per tenant and
 * agent. Cache hits cost nothing and are counted as such.
 */
export interface EmbeddingServiceOptions {
  provider: EmbeddingProvider;
  cacheMaxEntries?: number;
  cacheTtlMs?: number;
  /** Texts per provider call, at most 2,048. */
  batchSize?: number;
  pricePerMillionTokens?: number;
  /** Tokens shared by consecutive chunks of a long document. */
  chunkOverlapTokens?: number;
  now?: () => number;
}

export interface EmbeddingUsage {
  tenant: string;
  agentId: string;
  model: string;
  requests: number;
  tokens: number;
  cacheHits: number;
  costUsd: number;
}

export interface EmbedResult {
  vectors: number[][];
  usage: EmbeddingUsage;
}

export interface Caller {
  tenant: string;
  agentId: string;
}

export type EmbeddingService = ReturnType<typeof createEmbeddingService>;

export const DEFAULT_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;

export function createEmbeddingService(options: EmbeddingServiceOptions) {
  const { provider } = options;
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_INPUTS_PER_REQUEST) {
    throw new Error(`embedding batch size must be 1..${MAX_INPUTS_PER_REQUEST}, got ${batchSize}`);
  }
  const price = options.pricePerMillionTokens ?? 0;
  const overlap = options.chunkOverlapTokens ?? Math.floor(provider.maxTokens / 8);
  const cache = new LruCache<number[]>({
    maxEntries: options.cacheMaxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
    ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
    now: options.now ?? Date.now,
  });
  const totals = new Map<string, EmbeddingUsage>();
  const keyOf = (text: string) => createHash('sha256').update(provider.model).update('\u0000').update(text).digest('hex');

  function account(caller: Caller, requests: number, tokens: number, cacheHits: number): EmbeddingUsage {
    const usage: EmbeddingUsage = { tenant: caller.tenant, agentId: caller.agentId, model: provider.model, requests, tokens, cacheHits, costUsd: embeddingCostUsd(tokens, price) };
    const key = `${caller.tenant}\u0000${caller.agentId}`;
    const total = totals.get(key) ?? { ...usage, requests: 0, tokens: 0, cacheHits: 0, costUsd: 0 };
    total.requests += requests;
    total.tokens += tokens;
    total.cacheHits += cacheHits;
    total.costUsd += usage.costUsd;
    totals.set(key, total);
    return usage;
  }

  function validate(texts: string[]): void {
    texts.forEach((text, i) => {
      if (typeof text !== 'string' || text.trim() === '') throw new EmbeddingInputError(`text ${i} is empty: there is nothing to embed`);
    });
  }

  /** One vector per text. A text over the model's limit is refused (use `embedDocuments` for long texts). */
  async function embed(texts: string[], caller: Caller): Promise<EmbedResult> {
    validate(texts);
    const vectors = new Array<number[] | undefined>(texts.length);
    const missing = new Map<string, number[]>(); // text → positions, so a text repeated in one call is embedded once
    let hits = 0;
    texts.forEach((text, i) => {
      const cached = cache.get(keyOf(text));
      if (cached) {
        vectors[i] = cached;
        hits += 1;
      } else {
        missing.set(text, [...(missing.get(text) ?? []), i]);
      }
    });
    const pending = [...missing.keys()];
    for (const text of pending) {
      const tokens = provider.countTokens(text);
      if (tokens > provider.maxTokens) {
        throw new EmbeddingInputError(`text of about ${tokens} tokens is over ${provider.model}'s limit of ${provider.maxTokens}; chunk it (embedDocuments) or shorten it`);
      }
    }
    let requests = 0;
    let tokens = 0;
    for (let start = 0; start < pending.length; start += batchSize) {
      const batch = pending.slice(start, start + batchSize);
      const result = await provider.embedBatch(batch);
      requests += 1;
      tokens += result.tokens;
      batch.forEach((text, j) => {
        const vector = result.vectors[j]!;
        cache.set(keyOf(text), vector);
        for (const position of missing.get(text) ?? []) vectors[position] = vector;
      });
    }
    return { vectors: vectors.map((v) => v!), usage: account(caller, requests, tokens, hits) };
  }

  /** The pieces a long document is embedded as: chunks within the model's limit, overlapping. */
  function chunk(text: string): string[] {
    if (provider.countTokens(text) <= provider.maxTokens) return [text];
    return chunkText(text, { maxTokens: provider.maxTokens, overlapTokens: overlap, countTokens: provider.countTokens });
  }

  /**
   * One vector per document, whatever its length: a document over the limit is chunked with overlap and stands
   * for the mean of its chunks' vectors (renormalised), so it stays one memory with one index entry.
   */
  async function embedDocuments(texts: string[], caller: Caller): Promise<EmbedResult & { chunks: number[] }> {
    validate(texts);
    const pieces = texts.map(chunk);
    const flat = pieces.flat();
    const result = await embed(flat, caller);
    let offset = 0;
    const vectors = pieces.map((p) => {
      const own = result.vectors.slice(offset, offset + p.length);
      offset += p.length;
      return own.length === 1 ? own[0]! : meanUnitVector(own);
    });
    return { vectors, usage: result.usage, chunks: pieces.map((p) => p.length) };
  }

  return {
    provider,
    model: provider.model,
    dims: provider.dims,
    embed,
    embedDocuments,
    chunk,
    cacheStats: (): CacheStats => cache.stats(),
    /** Totals since start, per tenant and agent (the durable ledger is the `embedding_usage` table). */
    usageTotals: (): EmbeddingUsage[] => [...totals.values()].map((u) => ({ ...u })),
    close: async () => provider.close?.(),
  };
}
