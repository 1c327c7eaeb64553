import type { FastifyInstance } from 'fastify';
import { createPostgresPheromoneField } from '../../activities/swarm/postgres-field.js';
import type { PheromoneField } from '../../activities/swarm/ports.js';
import { InputError } from '../../core/validation.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { badRequest, parseOr400 } from '../errors.js';
import { strengthOf } from '../swarm-schemas.js';
import { ROUTES } from './catalog.js';

/** POST and GET /v1/pheromones: always the key's own tenant's field. */
export function registerPheromoneRoutes(scope: FastifyInstance, deps: { db: Db; pheromones?: PheromoneField }): void {
  const field = deps.pheromones ?? createPostgresPheromoneField(deps.db);
  const refuseBadInput = (error: unknown): never => {
    if (error instanceof InputError) throw badRequest(error.message);
    throw error;
  };

  const deposit = ROUTES.depositPheromone;
  scope.route({
    method: deposit.method,
    url: deposit.url,
    handler: async (request, reply) => {
      const principal = authorize(request, deposit.permission);
      const body = parseOr400(deposit.body, request.body);
      const input = {
        tenant: principal.tenant,
        type: body.type,
        location: body.location,
        depositor: `api:${principal.name}`,
        strength: strengthOf(body.strength),
        ttlMs: body.ttlSeconds * 1000,
        data: body.data,
      };
      const trail = await (body.reinforce ? field.reinforce(input) : field.deposit(input)).catch(refuseBadInput);
      return reply.code(201).send(trail);
    },
  });

  const list = ROUTES.listPheromones;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      const principal = authorize(request, list.permission);
      const query = parseOr400(list.query, request.query);
      const pheromones = await field
        .detect({ tenant: principal.tenant, types: query.type, location: query.location, minStrength: query.minStrength, limit: query.limit })
        .catch(refuseBadInput);
      return { tenant: principal.tenant, count: pheromones.length, pheromones };
    },
  });
}
