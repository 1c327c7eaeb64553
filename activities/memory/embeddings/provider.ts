/** The embedding port: one model behind it, whatever serves it (a local ONNX model, OpenAI, Azure OpenAI). */
export interface EmbeddingProvider {
  /** Stored with every vector: vectors of different models are never compared. */
  readonly model: string;
  readonly dims: number;
  /** The most tokens one input may have, special tokens excluded; longer inputs must be chunked first. */
  readonly maxTokens: number;
  /** Tokens of `text` without special tokens (exact for the local model, an upper estimate for remote ones). */
  countTokens(text: string): number;
  /** One vector per text, in order, of length `dims`; `tokens` is what the call was billed for. */
  embedBatch(texts: string[]): Promise<{ vectors: number[][]; tokens: number }>;
  close?(): Promise<void>;
}

/** Input the model cannot take (empty, or over its limit): the caller's mistake, not worth a retry. */
export class EmbeddingInputError extends Error {
  override readonly name = 'EmbeddingInputError';
}

/** A provider that answered something unusable (wrong count or dimension, malformed body). */
export class EmbeddingProviderError extends Error {
  override readonly name = 'EmbeddingProviderError';
}

export function checkVectors(provider: Pick<EmbeddingProvider, 'model' | 'dims'>, texts: string[], vectors: number[][]): void {
  if (vectors.length !== texts.length) {
    throw new EmbeddingProviderError(`${provider.model} returned ${vectors.length} vectors for ${texts.length} texts`);
  }
  for (const vector of vectors) {
    if (vector.length !== provider.dims) {
      throw new EmbeddingProviderError(`${provider.model} returned a ${vector.length}-dimensional vector, expected ${provider.dims}`);
    }
    if (!vector.every(Number.isFinite)) throw new EmbeddingProviderError(`${provider.model} returned a vector with non-finite values`);
  }
}
