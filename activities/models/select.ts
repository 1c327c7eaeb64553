import type { ModelEndpoint } from '../decisions/voters.js';
import { customRoutersFrom } from '../../core/routing/custom-routers.js';
import type { AntsConfig } from '../../infra/config.js';
import type { Db } from '../../infra/db/pool.js';
import { ModelLimiter } from './limiter.js';
import { openAiCompatibleReasoner } from './openai-compatible-reasoner.js';
import { playbookReasoner } from './playbook-reasoner.js';
import { createChatProviders } from './providers/index.js';
import type { Reasoner } from './reasoner.js';
import { shippedRegistry, tenantRegistry } from './registry-source.js';
import type { RoutedChatDeps } from './routed-chat.js';
import { routedReasoner } from './routed-reasoner.js';
import { routedVoter } from './consensus-voter.js';
import { createModelStore } from './store.js';

/**
 * The model router's parts for one pool, built once: the registry (shipped + the tenant's own), the provider
 * adapters, one limiter (so every model call of the pool — Reason, writing tools — shares the providers' limits)
 * and the cost store.
 */
export function routerDeps(config: AntsConfig, db: () => Db): RoutedChatDeps {
  const registry = shippedRegistry(config);
  const store = createModelStore(db());
  return {
    registry: tenantRegistry(registry, store),
    rules: registry.rules,
    customRouters: customRoutersFrom(registry.customRouters),
    providers: createChatProviders(),
    limiter: new ModelLimiter(registry.providerLimits),
    store,
    maxCostUsd: config.ANTS_MODEL_MAX_COST_USD,
    defaultDailyBudgetUsd: config.ANTS_MODEL_DAILY_BUDGET_USD,
  };
}

/** The reasoner the configuration asks for; the playbook is the default when no model is configured. */
export function createReasoner(config: AntsConfig, router?: RoutedChatDeps): Reasoner {
  if (config.ANTS_MODEL_PROVIDER === 'router') {
    if (!router) throw new Error('ANTS_MODEL_PROVIDER=router records calls and costs in PostgreSQL: it needs DATABASE_URL');
    return routedReasoner(router);
  }
  if (config.ANTS_MODEL_PROVIDER === 'openai-compatible' && config.OPENAI_BASE_URL) {
    return openAiCompatibleReasoner({ baseUrl: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY, model: config.OPENAI_MODEL });
  }
  return playbookReasoner;
}

/**
 * Where consensus model voters are asked: with the router, registry models go through it (same adapters, limits and
 * cost records as Reason); any other model id goes to the OpenAI-compatible endpoint of OPENAI_BASE_URL.
 */
export function consensusModelEndpoint(config: AntsConfig, db?: () => Db): ModelEndpoint | undefined {
  const plain = config.OPENAI_BASE_URL ? { baseUrl: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY } : {};
  if (config.ANTS_MODEL_PROVIDER !== 'router' || !db) return config.OPENAI_BASE_URL ? plain : undefined;
  const registry = shippedRegistry(config);
  const store = createModelStore(db());
  const registryVoter = routedVoter({
    registry: tenantRegistry(registry, store),
    providers: createChatProviders(),
    limiter: new ModelLimiter(registry.providerLimits),
    store,
    defaultDailyBudgetUsd: config.ANTS_MODEL_DAILY_BUDGET_USD,
  });
  return { ...plain, registry: registryVoter };
}
