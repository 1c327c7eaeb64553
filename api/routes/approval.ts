import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../infra/db/pool.js';
import { principalOf } from '../auth/http.js';
import { parseOr400 } from '../errors.js';
import { decideApproval } from '../tasks/approval.js';
import { ROUTES } from './catalog.js';

export function registerApprovalRoutes(scope: FastifyInstance, deps: { temporal: Client; db: Db }): void {
  const route = ROUTES.decideApproval;
  scope.route({
    method: route.method,
    url: route.url,
    handler: async (request) => {
      // The role is checked inside decideApproval, after the body is read, so a refusal is audited with its decision.
      const principal = principalOf(request);
      const { id } = parseOr400(route.params, request.params);
      const decision = parseOr400(route.body, request.body);
      return decideApproval(deps, principal, id, decision);
    },
  });
}
