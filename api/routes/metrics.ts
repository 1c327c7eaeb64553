import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { SwarmState } from '../../activities/swarm/ports.js';
import { swarmMetrics } from '../../core/swarm/metrics.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { parseOr400 } from '../errors.js';
import { decisionMetricsOf } from '../inbox/metrics.js';
import { describePoolBacklogs } from '../metrics/backlog.js';
import { ROUTES } from './catalog.js';

const HOUR_MS = 3_600_000;

/** GET /v1/metrics/decisions, /v1/metrics/swarm (the key's tenant) and /v1/metrics/backlog (the cluster's pools). */
export function registerMetricsRoutes(scope: FastifyInstance, deps: { db: Db; temporal: Client; swarm: SwarmState }): void {
  const { swarm } = deps;

  const decisions = ROUTES.decisionMetrics;
  scope.route({
    method: decisions.method,
    url: decisions.url,
    handler: async (request) => decisionMetricsOf(deps.db, authorize(request, decisions.permission).tenant),
  });

  const swarmRoute = ROUTES.swarmMetrics;
  scope.route({
    method: swarmRoute.method,
    url: swarmRoute.url,
    handler: async (request) => {
      const { tenant } = authorize(request, swarmRoute.permission);
      const query = parseOr400(swarmRoute.query, request.query);
      const since = new Date(Date.now() - query.periodHours * HOUR_MS);
      const sample = await swarm.metricsSample(tenant, since, query.slaSeconds * 1000);
      return { tenant, since: since.toISOString(), slaSeconds: query.slaSeconds, ...swarmMetrics(sample.agents, sample.awards), awards: sample.awards.length };
    },
  });

  const backlog = ROUTES.poolBacklog;
  scope.route({
    method: backlog.method,
    url: backlog.url,
    handler: async (request) => {
      authorize(request, backlog.permission);
      const namespace = deps.temporal.options.namespace;
      return { namespace, pools: await describePoolBacklogs(deps.temporal, namespace) };
    },
  });
}
