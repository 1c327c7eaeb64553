/** Embedding spend: tokens times the configured price per million tokens (USD). */
export function embeddingCostUsd(tokens: number, pricePerMillionTokens: number): number {
  if (tokens < 0 || !Number.isFinite(tokens)) throw new Error('token count must be a non-negative number');
  return (tokens * pricePerMillionTokens) / 1_000_000;
}

/**
 * Default prices per million tokens for the hosted models, overridable by configuration. The ratios follow the
 * reference table (ada-002 : 3-small : 3-large = 100 : 20 : 130) at the providers' per-million list prices.
 */
export const DEFAULT_EMBEDDING_PRICES: Readonly<Record<string, number>> = {
  'text-embedding-ada-002': 0.1,
  'text-embedding-3-small': 0.02,
  'text-embedding-3-large': 0.13,
};
