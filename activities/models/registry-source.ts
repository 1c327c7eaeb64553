import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { overlayModels, registryFileSchema, type Registry } from '../../core/routing/registry.js';
import type { ModelSpec } from '../../core/routing/model.js';
import type { AntsConfig } from '../../infra/config.js';
import type { ModelStore } from './store.js';
import { describeIssues } from '../../core/validation.js';

const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Reads and validates a registry file; a path that is not absolute is relative to the project. */
export function loadRegistryFile(path: string): Registry {
  const file = isAbsolute(path) ? path : resolve(PROJECT_ROOT, path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`model registry ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = registryFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`model registry ${file} is invalid: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** The OpenAI-compatible local endpoint of OPENAI_BASE_URL (Ollama, vLLM, llama.cpp server) as a free registry model. */
export function localEndpointModel(config: Pick<AntsConfig, 'OPENAI_BASE_URL' | 'OPENAI_MODEL' | 'ANTS_LOCAL_MODEL_CONTEXT'>): ModelSpec | undefined {
  if (!config.OPENAI_BASE_URL) return undefined;
  return {
    id: `local:${config.OPENAI_MODEL.replace(/[^A-Za-z0-9._:-]/g, '-')}`,
    provider: 'openai-compatible',
    displayName: `${config.OPENAI_MODEL} (local OpenAI-compatible endpoint)`,
    remoteModel: config.OPENAI_MODEL,
    capabilities: ['chat', 'function_calling', 'structured_output'],
    contextWindow: config.ANTS_LOCAL_MODEL_CONTEXT,
    pricing: { inputPerMTokUsd: 0, outputPerMTokUsd: 0 },
    expectedLatencyMs: 2000,
    deployments: [{ id: 'local', endpoint: config.OPENAI_BASE_URL, apiKeyEnv: 'OPENAI_API_KEY', useEntraId: false, maxConcurrency: 4 }],
    enabled: true,
  };
}

/** The shipped registry with the env's local endpoint added (what every tenant starts from). */
export function shippedRegistry(config: AntsConfig): Registry {
  const registry = loadRegistryFile(config.ANTS_MODEL_REGISTRY);
  const local = localEndpointModel(config);
  return local ? { ...registry, models: overlayModels(registry.models, [local]) } : registry;
}

export interface TenantRegistry {
  models(tenant: string): Promise<ModelSpec[]>;
}

/** Each tenant's models: the shipped ones overlaid with the tenant's own, re-read at most every `ttlMs`. */
export function tenantRegistry(shipped: Pick<Registry, 'models'>, store: Pick<ModelStore, 'tenantModels'> | undefined, ttlMs = 5_000, now = Date.now): TenantRegistry {
  const cache = new Map<string, { at: number; models: ModelSpec[] }>();
  return {
    async models(tenant) {
      if (!store) return shipped.models;
      const hit = cache.get(tenant);
      if (hit && now() - hit.at < ttlMs) return hit.models;
      const models = overlayModels(shipped.models, await store.tenantModels(tenant));
      cache.set(tenant, { at: now(), models });
      return models;
    },
  };
}
