import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createMemoryActivities, type MemoryActivities } from '../../activities/memory/activities.js';
import { createConfiguredEmbeddings } from '../../activities/memory/embeddings/select.js';
import type { EmbeddingService } from '../../activities/memory/embeddings/service.js';
import type { ForgetRequest } from '../../core/memory/requests.js';
import { loadConfig } from '../../infra/config.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { parseOr400 } from '../errors.js';
import type { ForgetMemoryBody, MemoryForgotten, MemorySearchResults } from '../memory-schemas.js';
import { ROUTES } from './catalog.js';

export interface MemoryRouteDeps {
  db: Db;
  /** The embeddings that search uses; by default the configured provider, loaded on the first memory request. */
  embeddings?: EmbeddingService;
}

/** The query embedding of an API search is accounted to this agent id in the tenant's usage ledger. */
const API_AGENT = 'api';

function forgetRequestOf(tenant: string, body: ForgetMemoryBody): ForgetRequest {
  if (body.id !== undefined) return { scope: 'memory', tenant, memoryId: body.id };
  if (body.agentId !== undefined) return { scope: 'agent', tenant, agentId: body.agentId };
  if (body.agentType !== undefined) return { scope: 'agentType', tenant, agentType: body.agentType };
  return { scope: 'tenant', tenant };
}

/**
 * DELETE /v1/memory and GET /v1/memory/search, always in the key's own tenant: the tenant comes from the key and
 * the memory activities add row-level security underneath, so no body or query can reach another tenant's rows.
 */
export function registerMemoryRoutes(scope: FastifyInstance, deps: MemoryRouteDeps): void {
  let memory: Promise<Pick<MemoryActivities, 'searchMemory' | 'forgetMemories'>> | undefined;
  let owned: EmbeddingService | undefined;
  const memoryActivities = () =>
    (memory ??= (async () => {
      const embeddings = deps.embeddings ?? (owned = await createConfiguredEmbeddings(loadConfig()));
      return createMemoryActivities({ db: deps.db, embeddings });
    })());
  scope.addHook('onClose', async () => {
    await owned?.close();
  });

  const forget = ROUTES.forgetMemory;
  scope.route({
    method: forget.method,
    url: forget.url,
    handler: async (request) => {
      const principal = authorize(request, forget.permission);
      const body = parseOr400(forget.body, request.body ?? {});
      const forgetRequest = forgetRequestOf(principal.tenant, body);
      const { tenant: _tenant, scope: forgotten, ...target } = forgetRequest;
      const { deleted } = await (await memoryActivities()).forgetMemories(forgetRequest, {
        taskId: 'memory',
        kind: 'memory.forgotten',
        actor: principal.name,
        details: { via: 'api', scope: forgotten, ...target, keyId: principal.keyId, role: principal.role },
        // Every erasure is its own fact, even a repeated one that found nothing.
        idempotencyKey: `api:memory.forgotten:${randomUUID()}`,
      });
      const answer: MemoryForgotten = { tenant: principal.tenant, scope: forgotten, deleted };
      return answer;
    },
  });

  const search = ROUTES.searchMemory;
  scope.route({
    method: search.method,
    url: search.url,
    handler: async (request) => {
      const principal = authorize(request, search.permission);
      const query = parseOr400(search.query, request.query);
      const { hits } = await (await memoryActivities()).searchMemory({
        tenant: principal.tenant,
        agentId: API_AGENT,
        query: query.q,
        k: query.k,
        ...(query.kind ? { filters: { kinds: [query.kind] } } : {}),
      });
      const answer: MemorySearchResults = { hits };
      return answer;
    },
  });
}
