import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { NotDeployedError } from '../../activities/lifecycle/activation.js';
import { ingestEvent } from '../../activities/lifecycle/events.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/** `POST /v1/events`: event-driven activation through the tenant's triggers. */
export function registerEventRoutes(scope: FastifyInstance, deps: { db: Db; temporal: Client }): void {
  const route = ROUTES.ingestEvent;
  scope.route({
    method: route.method,
    url: route.url,
    handler: async (request, reply) => {
      const principal = authorize(request, route.permission);
      const event = parseOr400(route.body, request.body);
      const result = await ingestEvent(deps, { tenant: principal.tenant, ...event }).catch((error: unknown) => {
        if (error instanceof NotDeployedError) throw notFound(error.message);
        throw error;
      });
      return reply.code(202).send({ eventId: event.eventId, ...result });
    },
  });
}
