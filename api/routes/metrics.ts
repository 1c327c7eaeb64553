import type { FastifyInstance } from 'fastify';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { decisionMetricsOf } from '../inbox/metrics.js';
import { ROUTES } from './catalog.js';

export function registerMetricsRoutes(scope: FastifyInstance, deps: { db: Db }): void {
  const route = ROUTES.decisionMetrics;
  scope.route({
    method: route.method,
    url: route.url,
    handler: async (request) => decisionMetricsOf(deps.db, authorize(request, route.permission).tenant),
  });
}
