import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AntsConfig } from '../infra/config.js';
import type { Db } from '../infra/db/pool.js';
import { createAuthenticator, DEFAULT_AUTH_CACHE_TTL_MS } from './auth/authenticator.js';
import { requireApiKey } from './auth/http.js';
import { ApiError, handleError } from './errors.js';
import { BODY_LIMIT_BYTES } from './limits.js';
import { openApiDocument } from './openapi.js';
import { shippedRegistry } from '../activities/models/registry-source.js';
import type { Registry } from '../core/routing/registry.js';
import { consensusModelOrder } from '../core/routing/voters.js';
import { loadConfig } from '../infra/config.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerApprovalRoutes } from './routes/approval.js';
import { registerApprovalsRoutes } from './routes/approvals.js';
import { registerConsensusRoutes } from './routes/consensus.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerInboxPage } from './inbox/page.js';
import { registerBudgetRoutes } from './routes/budgets.js';
import { registerArtifactRoutes } from './routes/artifacts.js';
import { registerThreatRoutes } from './routes/threats.js';
import { registerToolRoutes } from './routes/tools.js';
import { registerCapabilityRoutes } from './routes/capabilities.js';
import { registerPheromoneRoutes } from './routes/pheromones.js';
import { registerCostRoutes } from './routes/costs.js';
import { registerModelRoutes } from './routes/models.js';
import { ROUTES } from './routes/catalog.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoute } from './routes/health.js';
import { registerMemoryRoutes } from './routes/memory.js';
import type { EmbeddingService } from '../activities/memory/embeddings/service.js';
import { registerTaskRoutes } from './routes/tasks.js';
import { registerDeadLetterRoutes } from './routes/dead-letters.js';
import { createAdapters, type Adapters } from '../activities/adapters.js';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  /** Used for the `servers` entry of the OpenAPI document. */
  config?: Pick<AntsConfig, 'ANTS_API_HOST' | 'ANTS_API_PORT'>;
  /** Pino level (or `silent`); defaults to LOG_LEVEL, else `info`. */
  logLevel?: string;
  /** Where log lines go (stdout by default); tests pass a collector to prove keys never reach a log. */
  logStream?: { write(line: string): void };
  /** How long a looked-up key is reused (see createAuthenticator); 30 s by default. */
  authCacheTtlMs?: number;
  /** The shipped model registry (default: the file of ANTS_MODEL_REGISTRY, read on first use). */
  modelRegistry?: Registry;
  /** Models a consensus round may add for diversity (default: ANTS_CONSENSUS_MODELS). */
  consensusModels?: readonly string[];
  /** Embeddings for memory search (default: the configured provider, loaded on the first memory request). */
  embeddings?: EmbeddingService;
  /** The ports' adapters (default: the configured profile's, closed with the API). */
  adapters?: Adapters;
}

/** Header values that must never reach a log line, whatever a future serializer decides to include. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]'];

/** The HTTP API, ready for `listen` or `inject`. It owns neither the database pool nor the Temporal connection. */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const level = deps.logLevel ?? process.env.LOG_LEVEL ?? 'info';
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: level === 'silent' ? false : { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, ...(deps.logStream ? { stream: deps.logStream } : {}) },
  });
  app.decorateRequest('principal', null);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(new ApiError(404, 'not_found', `no route ${request.method} ${request.url}`).toBody());
  });

  registerHealthRoute(app, deps);
  const document = openApiDocument({
    serverUrl: deps.config ? `http://${deps.config.ANTS_API_HOST}:${deps.config.ANTS_API_PORT}` : undefined,
  });
  app.get(ROUTES.openApi.url, async () => document);
  // The approvals inbox page needs no key to load: it asks for one and sends it as a header, never in a URL.
  registerInboxPage(app);

  const adapters = deps.adapters ?? createAdapters(loadConfig(), { db: () => deps.db });
  if (!deps.adapters) app.addHook('onClose', () => adapters.close());

  const authenticate = createAuthenticator(deps.db, { ttlMs: deps.authCacheTtlMs ?? DEFAULT_AUTH_CACHE_TTL_MS });
  void app.register(async (scope) => {
    requireApiKey(scope, authenticate);
    registerTaskRoutes(scope, deps);
    registerApprovalRoutes(scope, deps);
    registerAgentRoutes(scope, deps);
    registerEventRoutes(scope, deps);
    const modelConfig = loadConfig();
    let registry = deps.modelRegistry;
    registerModelRoutes(scope, { db: deps.db, registry: () => (registry ??= shippedRegistry(modelConfig)) });
    registerCostRoutes(scope, { db: deps.db, defaultDailyBudgetUsd: modelConfig.ANTS_MODEL_DAILY_BUDGET_USD });
    registerBudgetRoutes(scope, { db: deps.db, defaultDailyBudgetUsd: modelConfig.ANTS_MODEL_DAILY_BUDGET_USD });
    registerApprovalsRoutes(scope, deps);
    // Registry models are ranked and filtered by the router (distinct, able to vote); other ids follow as listed.
    const consensusModels = deps.consensusModels ?? consensusModelOrder(modelConfig.ANTS_CONSENSUS_MODELS, (registry ??= shippedRegistry(modelConfig)).models);
    registerConsensusRoutes(scope, { ...deps, consensusModels });
    registerMetricsRoutes(scope, { ...deps, swarm: adapters.swarmState() });
    registerMemoryRoutes(scope, { db: deps.db, embeddings: deps.embeddings });
    registerPheromoneRoutes(scope, { pheromones: adapters.pheromoneField() });
    registerArtifactRoutes(scope, { db: deps.db });
    registerThreatRoutes(scope, deps);
    registerToolRoutes(scope, { db: deps.db, temporal: deps.temporal });
    registerCapabilityRoutes(scope, deps);
    registerDeadLetterRoutes(scope, { deadLetters: adapters.deadLetters() });
  });
  return app;
}
