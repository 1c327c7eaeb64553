import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { listDelegationModes, setApprovalTiers, setDelegationMode } from '../../activities/decisions/policy.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize, principalOf } from '../auth/http.js';
import { parseOr400 } from '../errors.js';
import { listApprovals, readApproval } from '../inbox/approvals.js';
import { decideRequest } from '../tasks/approval.js';
import { ROUTES } from './catalog.js';

/** The approvals inbox over HTTP, and the tenant's decision policy (delegation modes, escalation tiers). */
export function registerApprovalsRoutes(scope: FastifyInstance, deps: { temporal: Client; db: Db }): void {
  const list = ROUTES.listApprovals;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      const principal = authorize(request, list.permission);
      const query = parseOr400(list.query, request.query);
      const approvals = await listApprovals(deps.db, principal.tenant, query);
      return { approvals, count: approvals.length };
    },
  });

  const one = ROUTES.getApproval;
  scope.route({
    method: one.method,
    url: one.url,
    handler: async (request) => {
      const principal = authorize(request, one.permission);
      const { id } = parseOr400(one.params, request.params);
      return readApproval(deps.db, principal.tenant, id);
    },
  });

  const decide = ROUTES.decideRequest;
  scope.route({
    method: decide.method,
    url: decide.url,
    handler: async (request) => {
      // The role is checked inside decideRequest, after the body is read, so a refusal is audited with its decision.
      const principal = principalOf(request);
      const { id } = parseOr400(decide.params, request.params);
      const body = parseOr400(decide.body, request.body);
      return decideRequest(deps, principal, id, body);
    },
  });

  const modes = ROUTES.listDelegationModes;
  scope.route({
    method: modes.method,
    url: modes.url,
    handler: async (request) => {
      const principal = authorize(request, modes.permission);
      return { modes: await listDelegationModes(deps.db, principal.tenant) };
    },
  });

  const setMode = ROUTES.setDelegationMode;
  scope.route({
    method: setMode.method,
    url: setMode.url,
    handler: async (request) => {
      const principal = authorize(request, setMode.permission);
      const change = parseOr400(setMode.body, request.body);
      await setDelegationMode(deps.db, { tenant: principal.tenant, ...change, changedBy: principal.name });
      return { modes: await listDelegationModes(deps.db, principal.tenant) };
    },
  });

  const tiers = ROUTES.setApprovalTiers;
  scope.route({
    method: tiers.method,
    url: tiers.url,
    handler: async (request, reply) => {
      const principal = authorize(request, tiers.permission);
      const body = parseOr400(tiers.body, request.body);
      await setApprovalTiers(deps.db, principal.tenant, body.tiers, principal.name);
      return reply.code(204).send();
    },
  });
}
