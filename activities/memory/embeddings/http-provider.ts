import { z } from 'zod';
import { checkVectors, EmbeddingInputError, EmbeddingProviderError, type EmbeddingProvider } from './provider.js';

/**
 * The embeddings wire format shared by OpenAI, Azure OpenAI and OpenAI-compatible servers:
 * `POST …/embeddings {model, input: string[], encoding_format, dimensions?}` → `{data: [{embedding, index}], usage}`.
 * Only the address and the authentication differ, so one client serves all three.
 */
const embeddingsResponse = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().min(0) })),
  usage: z.object({ prompt_tokens: z.number().int().min(0).optional(), total_tokens: z.number().int().min(0).optional() }).optional(),
});

/** Known input limits; an unknown model gets the smallest of them. */
const MODEL_MAX_TOKENS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 8191,
  'text-embedding-3-large': 8191,
  'text-embedding-ada-002': 8191,
};
const DEFAULT_MAX_TOKENS = 8191;
/** The providers accept at most this many inputs per request. */
export const MAX_INPUTS_PER_REQUEST = 2048;

export interface HttpEmbeddingOptions {
  /** The full embeddings URL (query string included for Azure's api-version). */
  url: string;
  model: string;
  dims: number;
  /** Sent as `dimensions` (text-embedding-3 models can shorten their vectors, e.g. 3-large to 1536). */
  requestDimensions?: number;
  /** Headers carrying the credential, fetched per request so a token can be refreshed. */
  authHeaders: () => Promise<Record<string, string>>;
  timeoutMs?: number;
  /** Whether the request names the model in its body (Azure names the deployment in the URL instead). */
  sendModel?: boolean;
}

/** About 4 characters a token for English; rounded up by a margin so the estimate errs on the safe side. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

export function createHttpEmbeddingProvider(options: HttpEmbeddingOptions): EmbeddingProvider {
  const provider: EmbeddingProvider = {
    model: options.model,
    dims: options.dims,
    maxTokens: MODEL_MAX_TOKENS[options.model] ?? DEFAULT_MAX_TOKENS,
    countTokens: estimateTokens,
    async embedBatch(texts) {
      if (texts.length === 0) return { vectors: [], tokens: 0 };
      if (texts.length > MAX_INPUTS_PER_REQUEST) throw new EmbeddingInputError(`at most ${MAX_INPUTS_PER_REQUEST} texts per request, got ${texts.length}`);
      const body: Record<string, unknown> = { input: texts, encoding_format: 'float' };
      if (options.sendModel !== false) body.model = options.model;
      if (options.requestDimensions !== undefined) body.dimensions = options.requestDimensions;
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await options.authHeaders()) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      const text = await response.text();
      if (!response.ok) {
        // The provider's message says what went wrong; the request (and its credential) is never echoed.
        const message = /"message"\s*:\s*"([^"]{0,300})/.exec(text)?.[1] ?? text.slice(0, 200);
        const error = new EmbeddingProviderError(`embeddings request to ${options.model} failed with HTTP ${response.status}: ${message}`);
        if (response.status === 400) throw new EmbeddingInputError(error.message);
        throw error;
      }
      let parsed: z.infer<typeof embeddingsResponse>;
      try {
        parsed = embeddingsResponse.parse(JSON.parse(text));
      } catch (cause) {
        throw new EmbeddingProviderError(`malformed embeddings response from ${options.model}: ${cause instanceof Error ? cause.message.slice(0, 200) : 'unparseable'}`);
      }
      const vectors = new Array<number[]>(texts.length);
      for (const item of parsed.data) {
        if (item.index >= texts.length) throw new EmbeddingProviderError(`embeddings response index ${item.index} out of range`);
        vectors[item.index] = item.embedding;
      }
      const ordered = Array.from(vectors, (v) => v ?? []);
      checkVectors(provider, texts, ordered);
      const tokens = parsed.usage?.prompt_tokens ?? parsed.usage?.total_tokens ?? texts.reduce((sum, t) => sum + estimateTokens(t), 0);
      return { vectors: ordered, tokens };
    },
  };
  return provider;
}

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  dims: number;
  requestDimensions?: number;
}

/** OpenAI or any server speaking its API (vLLM, Ollama, LiteLLM, …): `<baseUrl>/embeddings`, bearer key. */
export function createOpenAiCompatibleEmbeddings(options: OpenAiCompatibleOptions): EmbeddingProvider {
  return createHttpEmbeddingProvider({
    url: `${options.baseUrl.replace(/\/+$/, '')}/embeddings`,
    model: options.model,
    dims: options.dims,
    requestDimensions: options.requestDimensions,
    authHeaders: async (): Promise<Record<string, string>> => (options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  });
}

export interface AzureOpenAiOptions {
  endpoint: string;
  deployment: string;
  apiVersion: string;
  /** The model the deployment serves (what the vectors are labelled with and the limits follow). */
  model: string;
  dims: number;
  requestDimensions?: number;
  /** An API key, or else a token source (Microsoft Entra ID through `@azure/identity`). */
  apiKey?: string;
  getToken?: () => Promise<string>;
}

export function createAzureOpenAiEmbeddings(options: AzureOpenAiOptions): EmbeddingProvider {
  const { apiKey, getToken } = options;
  const tokenSource = getToken;
  if (!apiKey && !tokenSource) throw new Error('Azure OpenAI embeddings need an API key or a token credential');
  const url = `${options.endpoint.replace(/\/+$/, '')}/openai/deployments/${encodeURIComponent(options.deployment)}/embeddings?api-version=${encodeURIComponent(options.apiVersion)}`;
  return createHttpEmbeddingProvider({
    url,
    model: options.model,
    dims: options.dims,
    requestDimensions: options.requestDimensions,
    sendModel: false,
    authHeaders: async (): Promise<Record<string, string>> => {
      if (apiKey) return { 'api-key': apiKey };
      if (!tokenSource) throw new Error('Azure OpenAI embeddings need an API key or a token credential');
      return { authorization: `Bearer ${await tokenSource()}` };
    },
  });
}
