import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFeatureHashingProvider } from '../../activities/memory/embeddings/feature-hashing.js';
import { createAzureOpenAiEmbeddings, createOpenAiCompatibleEmbeddings } from '../../activities/memory/embeddings/http-provider.js';
import { createLocalOnnxProvider } from '../../activities/memory/embeddings/local-onnx.js';
import { EmbeddingInputError, EmbeddingProviderError, type EmbeddingProvider } from '../../activities/memory/embeddings/provider.js';
import { createConfiguredEmbeddings, localModelDir } from '../../activities/memory/embeddings/select.js';
import { createEmbeddingService } from '../../activities/memory/embeddings/service.js';
import { cosineSimilarity } from '../../core/memory/chunking.js';
import { loadConfig } from '../../infra/config.js';

/**
 * A stand-in for OpenAI / Azure OpenAI (unreachable from tests) speaking the real embeddings wire format:
 * `POST …/embeddings {model?, input[], encoding_format, dimensions?}` → `{object: 'list', data: [{object: 'embedding',
 * embedding, index}], model, usage: {prompt_tokens, total_tokens}}`. Vectors come from the feature-hashing
 * embedder so they are deterministic; `data` is returned in reverse order, as nothing promises it sorted.
 */
interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: { model?: string; input: string[]; dimensions?: number; encoding_format?: string };
}

let server: Server;
let baseUrl: string;
const received: Received[] = [];
let answer: 'ok' | 'bad-dims' | 'error-400' | 'error-500' = 'ok';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as Received['body'];
    received.push({ url: req.url ?? '', headers: req.headers, body });
    if (answer === 'error-400' || answer === 'error-500') {
      res.writeHead(answer === 'error-400' ? 400 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: "This model's maximum context length is 8192 tokens", type: 'invalid_request_error' } }));
      return;
    }
    const dims = answer === 'bad-dims' ? 12 : (body.dimensions ?? 1536);
    const { vectors } = await createFeatureHashingProvider(dims).embedBatch(body.input);
    const data = vectors.map((embedding, index) => ({ object: 'embedding', embedding, index })).reverse();
    const tokens = body.input.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: body.model ?? 'deployment-model', usage: { prompt_tokens: tokens, total_tokens: tokens } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('OpenAI-compatible and Azure OpenAI embeddings (real wire format)', () => {
  it('sends model, inputs and dimensions with a bearer key, and puts vectors back in input order', async () => {
    received.length = 0;
    answer = 'ok';
    const provider = createOpenAiCompatibleEmbeddings({ baseUrl: `${baseUrl}/v1/`, apiKey: 'sk-test-secret', model: 'text-embedding-3-small', dims: 1536, requestDimensions: 1536 });
    const { vectors, tokens } = await provider.embedBatch(['first text', 'second text here']);
    expect(received[0]).toMatchObject({ url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['first text', 'second text here'], dimensions: 1536, encoding_format: 'float' } });
    expect(received[0]!.headers.authorization).toBe('Bearer sk-test-secret');
    expect(tokens).toBe(5);
    const expected = await createFeatureHashingProvider(1536).embedBatch(['first text', 'second text here']);
    expect(vectors).toEqual(expected.vectors);
  });

  it('addresses an Azure deployment with its api-version and api-key header, or a token from Entra ID', async () => {
    received.length = 0;
    const keyed = createAzureOpenAiEmbeddings({ endpoint: `${baseUrl}/`, deployment: 'emb-small', apiVersion: '2024-10-21', model: 'text-embedding-3-small', dims: 1536, apiKey: 'azure-key' });
    await keyed.embedBatch(['hello']);
    expect(received[0]!.url).toBe('/openai/deployments/emb-small/embeddings?api-version=2024-10-21');
    expect(received[0]!.headers['api-key']).toBe('azure-key');
    expect(received[0]!.body.model).toBeUndefined();
    const viaToken = createAzureOpenAiEmbeddings({ endpoint: baseUrl, deployment: 'emb-small', apiVersion: '2024-10-21', model: 'text-embedding-3-small', dims: 1536, getToken: async () => 'entra-token' });
    await viaToken.embedBatch(['hello']);
    expect(received[1]!.headers.authorization).toBe('Bearer entra-token');
    expect(() => createAzureOpenAiEmbeddings({ endpoint: baseUrl, deployment: 'd', apiVersion: 'v', model: 'm', dims: 3 })).toThrow(/API key or a token/);
  });

  it('reports a wrong dimension, a refused input and a server error clearly, never echoing the key', async () => {
    const provider = createOpenAiCompatibleEmbeddings({ baseUrl, apiKey: 'sk-never-logged', model: 'text-embedding-3-small', dims: 1536 });
    answer = 'bad-dims';
    await expect(provider.embedBatch(['x'])).rejects.toThrow(new EmbeddingProviderError('text-embedding-3-small returned a 12-dimensional vector, expected 1536'));
    answer = 'error-400';
    const refused = await provider.embedBatch(['x']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EmbeddingInputError);
    expect(String(refused)).toMatch(/HTTP 400: This model's maximum context length/);
    answer = 'error-500';
    const failed = await provider.embedBatch(['x']).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(EmbeddingProviderError);
    expect(String(failed)).not.toContain('sk-never-logged');
    answer = 'ok';
  });

  it('batches misses up to the configured size, caches by model and text, and accounts tokens and cost per tenant and agent', async () => {
    received.length = 0;
    answer = 'ok';
    let now = 0;
    const provider = createOpenAiCompatibleEmbeddings({ baseUrl, model: 'text-embedding-3-small', dims: 256, requestDimensions: 256 });
    const service = createEmbeddingService({ provider, batchSize: 3, pricePerMillionTokens: 0.02, cacheTtlMs: 60_000, cacheMaxEntries: 100, now: () => now });
    const texts = Array.from({ length: 7 }, (_, i) => `invoice ${i} paid late`);
    const first = await service.embed([...texts, texts[0]!], { tenant: 'acme', agentId: 'recon-1' });
    expect(received.map((r) => r.body.input.length)).toEqual([3, 3, 1]); // 7 distinct texts, batches of 3
    expect(first.usage).toMatchObject({ requests: 3, tokens: 28, cacheHits: 0 });
    expect(first.usage.costUsd).toBeCloseTo(28 * 0.02 / 1e6, 12);
    expect(first.vectors[7]).toEqual(first.vectors[0]);

    const again = await service.embed(texts.slice(0, 2), { tenant: 'acme', agentId: 'recon-2' });
    expect(again.usage).toMatchObject({ requests: 0, tokens: 0, cacheHits: 2, costUsd: 0 });
    expect(received).toHaveLength(3);
    now = 60_001; // past the TTL: embedded again
    await service.embed(texts.slice(0, 1), { tenant: 'globex', agentId: 'recon-1' });
    expect(received).toHaveLength(4);
    expect(service.usageTotals().map((u) => [u.tenant, u.agentId, u.tokens, u.cacheHits])).toEqual([
      ['acme', 'recon-1', 28, 0],
      ['acme', 'recon-2', 0, 2],
      ['globex', 'recon-1', 4, 0],
    ]);
    // Another model never shares the cache: the key is sha256(model + text).
    const other = createEmbeddingService({ provider: createOpenAiCompatibleEmbeddings({ baseUrl, model: 'text-embedding-3-large', dims: 256, requestDimensions: 256 }) });
    await other.embed(texts.slice(0, 1), { tenant: 'acme', agentId: 'recon-1' });
    expect(received).toHaveLength(5);
    expect(() => createEmbeddingService({ provider, batchSize: 2049 })).toThrow(/batch size/);
  });

  it('is chosen by configuration', async () => {
    const service = await createConfiguredEmbeddings(
      loadConfig({ ANTS_EMBEDDING_PROVIDER: 'openai-compatible', ANTS_EMBEDDING_BASE_URL: baseUrl, ANTS_EMBEDDING_MODEL: 'text-embedding-3-small', ANTS_EMBEDDING_DIMENSIONS: '1536' }),
    );
    expect([service.model, service.dims]).toEqual(['text-embedding-3-small', 1536]);
    expect(() => loadConfig({ ANTS_EMBEDDING_PROVIDER: 'azure-openai', ANTS_EMBEDDING_BASE_URL: baseUrl })).toThrow(/ANTS_EMBEDDING_AZURE_DEPLOYMENT/);
  });
});

describe('the local model (all-MiniLM-L6-v2, ONNX, offline)', () => {
  let local: EmbeddingProvider;
  beforeAll(async () => {
    local = await createLocalOnnxProvider(localModelDir(inject('antsHome')));
  });
  afterAll(async () => {
    await local.close?.();
  });

  it('gives 384-dimensional unit vectors that place paraphrases together and unrelated texts apart', async () => {
    const { vectors } = await local.embedBatch([
      'The payment was refunded to the customer.',
      'We sent the customer their money back.',
      'The firewall blocked an intrusion attempt.',
    ]);
    expect(vectors.map((v) => v.length)).toEqual([384, 384, 384]);
    expect(Math.hypot(...vectors[0]!)).toBeCloseTo(1, 5);
    const paraphrase = cosineSimilarity(vectors[0]!, vectors[1]!);
    const unrelated = cosineSimilarity(vectors[0]!, vectors[2]!);
    expect(paraphrase).toBeGreaterThan(0.5);
    expect(unrelated).toBeLessThan(0.3);
    expect(paraphrase - unrelated).toBeGreaterThan(0.3);
    const again = await local.embedBatch(['We sent the customer their money back.']);
    expect(cosineSimilarity(again.vectors[0]!, vectors[1]!)).toBeCloseTo(1, 5);
  });

  it('refuses empty text and text over its limit unless chunked', async () => {
    const service = createEmbeddingService({ provider: local });
    await expect(service.embed(['  '], { tenant: 't', agentId: 'a' })).rejects.toThrow(/empty/);
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    await expect(service.embed([long], { tenant: 't', agentId: 'a' })).rejects.toThrow(/over all-MiniLM-L6-v2's limit of 254/);
    await expect(local.embedBatch([long])).rejects.toBeInstanceOf(EmbeddingInputError);
    const chunked = await service.embedDocuments([long], { tenant: 't', agentId: 'a' });
    expect(chunked.chunks[0]).toBeGreaterThan(1);
    expect(chunked.vectors[0]).toHaveLength(384);
    expect(service.chunk(long).every((piece) => local.countTokens(piece) <= local.maxTokens)).toBe(true);
  });
});
