import type { FastifyInstance } from 'fastify';
import { createModelStore } from '../../activities/models/store.js';
import type { Registry } from '../../core/routing/registry.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { badRequest, parseOr400 } from '../errors.js';
import type { ModelList } from '../model-schemas.js';
import { ROUTES } from './catalog.js';

export function registerModelRoutes(scope: FastifyInstance, { db, registry }: { db: Db; registry: () => Registry }): void {
  const store = createModelStore(db);

  const list = ROUTES.listModels;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      const principal = authorize(request, list.permission);
      const own = await store.tenantModels(principal.tenant);
      const ownIds = new Set(own.map((m) => m.id));
      const models = [...registry().models.filter((m) => !ownIds.has(m.id)).map((model) => ({ model, source: 'shipped' as const })), ...own.map((model) => ({ model, source: 'tenant' as const }))];
      const stats = await store.stats(models.map((m) => m.model.id));
      const body: ModelList = { models: models.map((entry) => ({ ...entry, ...(stats.has(entry.model.id) ? { stats: stats.get(entry.model.id) } : {}) })) };
      return body;
    },
  });

  const put = ROUTES.putModel;
  scope.route({
    method: put.method,
    url: put.url,
    handler: async (request, reply) => {
      const principal = authorize(request, ROUTES.putModel.permission);
      const { id } = parseOr400(put.params, request.params);
      const model = parseOr400(put.body, request.body);
      if (model.id !== id) throw badRequest(`the body's id (${model.id}) differs from the path's (${id})`, 'id');
      const { created } = await store.upsertTenantModel(principal.tenant, model);
      return reply.code(created ? 201 : 200).send({ model, created });
    },
  });
}
