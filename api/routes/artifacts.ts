import type { FastifyInstance } from 'fastify';
import { createPostgresWorkspace } from '../../activities/swarm/postgres-workspace.js';
import { WorkspaceConflict, type Workspace } from '../../activities/swarm/ports.js';
import { InputError } from '../../core/validation.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { badRequest, conflict, notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/** The stigmergy workspace at the API: people leave artifacts for agents, and anyone of the tenant can watch them. */
export function registerArtifactRoutes(scope: FastifyInstance, deps: { db: Db; workspace?: Workspace }): void {
  const workspace = deps.workspace ?? createPostgresWorkspace(deps.db);
  const refuse = (error: unknown): never => {
    if (error instanceof InputError) throw badRequest(error.message);
    if (error instanceof WorkspaceConflict) throw conflict('artifact_conflict', error.message);
    throw error;
  };

  const create = ROUTES.createArtifact;
  scope.route({
    method: create.method,
    url: create.url,
    handler: async (request, reply) => {
      const principal = authorize(request, create.permission);
      const body = parseOr400(create.body, request.body);
      const created = await workspace.create({ ...body, tenant: principal.tenant, createdBy: `api:${principal.name}` }).catch(refuse);
      return reply.code(201).send(created);
    },
  });

  const list = ROUTES.listArtifacts;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      const principal = authorize(request, list.permission);
      const query = parseOr400(list.query, request.query);
      const artifacts = await workspace.list(principal.tenant, query);
      return { tenant: principal.tenant, count: artifacts.length, artifacts };
    },
  });

  const read = ROUTES.getArtifact;
  scope.route({
    method: read.method,
    url: read.url,
    handler: async (request) => {
      const principal = authorize(request, read.permission);
      const { id } = parseOr400(read.params, request.params);
      const found = await workspace.get(principal.tenant, id);
      if (!found) throw notFound(`no artifact ${id}`);
      return found;
    },
  });
}
