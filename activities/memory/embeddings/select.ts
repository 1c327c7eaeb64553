import { join } from 'node:path';
import { DEFAULT_EMBEDDING_PRICES } from '../../../core/memory/cost.js';
import type { AntsConfig } from '../../../infra/config.js';
import { createFeatureHashingProvider } from './feature-hashing.js';
import { createAzureOpenAiEmbeddings, createOpenAiCompatibleEmbeddings } from './http-provider.js';
import { createLocalOnnxProvider, LOCAL_MODEL_NAME } from './local-onnx.js';
import type { EmbeddingProvider } from './provider.js';
import { createEmbeddingService, type EmbeddingService } from './service.js';

type EmbeddingConfig = Pick<
  AntsConfig,
  | 'antsHome'
  | 'ANTS_EMBEDDING_PROVIDER'
  | 'ANTS_EMBEDDING_MODEL'
  | 'ANTS_EMBEDDING_DIMENSIONS'
  | 'ANTS_EMBEDDING_BASE_URL'
  | 'ANTS_EMBEDDING_API_KEY'
  | 'ANTS_EMBEDDING_AZURE_DEPLOYMENT'
  | 'ANTS_EMBEDDING_AZURE_API_VERSION'
  | 'ANTS_EMBEDDING_BATCH_SIZE'
  | 'ANTS_EMBEDDING_CACHE_MAX'
  | 'ANTS_EMBEDDING_CACHE_TTL_MS'
  | 'ANTS_EMBEDDING_PRICE_PER_MTOK'
>;

/** Where bootstrap installs the local model. */
export function localModelDir(antsHome: string): string {
  return join(antsHome, 'models', LOCAL_MODEL_NAME);
}

const AZURE_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** A Microsoft Entra ID token source, loaded only when Azure is configured without a key. */
async function azureTokenSource(): Promise<() => Promise<string>> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential();
  return async () => {
    const token = await credential.getToken(AZURE_SCOPE);
    if (!token) throw new Error('no Microsoft Entra ID token for Azure OpenAI');
    return token.token;
  };
}

export async function createEmbeddingProvider(config: EmbeddingConfig): Promise<EmbeddingProvider> {
  const remoteDims = config.ANTS_EMBEDDING_DIMENSIONS;
  // text-embedding-3 models shorten their vectors on request; older models only return their native size.
  const requestDimensions = config.ANTS_EMBEDDING_MODEL.startsWith('text-embedding-3') ? remoteDims : undefined;
  switch (config.ANTS_EMBEDDING_PROVIDER) {
    case 'local':
      return createLocalOnnxProvider(localModelDir(config.antsHome));
    case 'feature-hashing':
      return createFeatureHashingProvider();
    case 'openai-compatible':
      return createOpenAiCompatibleEmbeddings({
        baseUrl: config.ANTS_EMBEDDING_BASE_URL ?? '',
        apiKey: config.ANTS_EMBEDDING_API_KEY,
        model: config.ANTS_EMBEDDING_MODEL,
        dims: remoteDims,
        requestDimensions,
      });
    case 'azure-openai':
      return createAzureOpenAiEmbeddings({
        endpoint: config.ANTS_EMBEDDING_BASE_URL ?? '',
        deployment: config.ANTS_EMBEDDING_AZURE_DEPLOYMENT ?? '',
        apiVersion: config.ANTS_EMBEDDING_AZURE_API_VERSION,
        model: config.ANTS_EMBEDDING_MODEL,
        dims: remoteDims,
        requestDimensions,
        apiKey: config.ANTS_EMBEDDING_API_KEY,
        getToken: config.ANTS_EMBEDDING_API_KEY ? undefined : await azureTokenSource(),
      });
  }
}

export async function createConfiguredEmbeddings(config: EmbeddingConfig): Promise<EmbeddingService> {
  const provider = await createEmbeddingProvider(config);
  const listPrice = DEFAULT_EMBEDDING_PRICES[provider.model] ?? 0;
  return createEmbeddingService({
    provider,
    batchSize: config.ANTS_EMBEDDING_BATCH_SIZE,
    cacheMaxEntries: config.ANTS_EMBEDDING_CACHE_MAX,
    cacheTtlMs: config.ANTS_EMBEDDING_CACHE_TTL_MS,
    pricePerMillionTokens: config.ANTS_EMBEDDING_PRICE_PER_MTOK ?? listPrice,
  });
}
