import type { FastifyInstance } from 'fastify';
import type { PheromoneField } from '../../activities/swarm/ports.js';
import { capabilityRequestSchema } from '../../core/tools/capability.js';
import { InputError } from '../../core/validation.js';
import { authorize } from '../auth/http.js';
import { badRequest, parseOr400 } from '../errors.js';
import { strengthOf } from '../swarm-schemas.js';
import { ROUTES } from './catalog.js';

/** POST and GET /v1/pheromones: always the key's own tenant's field. */
export function registerPheromoneRoutes(scope: FastifyInstance, deps: { pheromones: PheromoneField }): void {
  const field = deps.pheromones;
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
      // A capability trail calls the meta-agent: what it carries must be a capability request, refused here if not.
      if (body.type === 'capability') parseOr400(capabilityRequestSchema, body.data, 'data');
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
