import { createHash } from 'node:crypto';
import { normalize } from '../../../core/memory/chunking.js';
import { EmbeddingInputError, type EmbeddingProvider } from './provider.js';

/**
 * A deterministic feature-hashing embedder: word unigrams and bigrams hashed into signed buckets. It captures
 * shared words, not meaning — two texts about the same thing in different words score low. It exists for
 * machines without the local model and for tests of the plumbing; it is never the default.
 */
export const FEATURE_HASHING_MODEL = 'feature-hashing-v1';
const MAX_TOKENS = 8_192;

function bucket(feature: string, dims: number): { index: number; sign: number } {
  const digest = createHash('sha256').update(feature).digest();
  return { index: digest.readUInt32BE(0) % dims, sign: (digest[4]! & 1) === 0 ? 1 : -1 };
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function createFeatureHashingProvider(dims = 384): EmbeddingProvider {
  return {
    model: `${FEATURE_HASHING_MODEL}-${dims}`,
    dims,
    maxTokens: MAX_TOKENS,
    countTokens: (text) => words(text).length,
    async embedBatch(texts) {
      let tokens = 0;
      const vectors = texts.map((text) => {
        const terms = words(text);
        if (terms.length > MAX_TOKENS) throw new EmbeddingInputError(`text of ${terms.length} words is over the limit of ${MAX_TOKENS}`);
        tokens += terms.length;
        const vector = new Array<number>(dims).fill(0);
        const features = [...terms, ...terms.slice(1).map((w, i) => `${terms[i]} ${w}`)];
        for (const feature of features) {
          const { index, sign } = bucket(feature, dims);
          vector[index]! += sign;
        }
        return normalize(vector);
      });
      return { vectors, tokens };
    },
  };
}
