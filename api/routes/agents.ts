import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { activateAgent, NotDeployedError } from '../../activities/lifecycle/activation.js';
import { agentCosts, tenantCosts } from '../../activities/lifecycle/costs.js';
import { DeploymentInputError, deployAgent, undeployAgent, type DeploymentSpec } from '../../activities/lifecycle/deployments.js';
import { costModel } from '../../activities/lifecycle/index.js';
import { AGENT_REPOSITORY, filterRepository, findRepositoryEntry, isExecutable, type RepositoryEntry } from '../../core/agents/repository/index.js';
import { buildSearchIndex } from '../../core/agents/repository/search.js';
import { loadConfig } from '../../infra/config.js';
import type { Db } from '../../infra/db/pool.js';
import type { DeployRequest } from '../agents/schemas.js';
import { authorize } from '../auth/http.js';
import type { Principal } from '../auth/roles.js';
import { badRequest, forbidden, notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/*
 * The agent repository, deployments, activation and costs. Deploy, wake and event ingestion share their logic with
 * the schedule's activation activity (activities/lifecycle), so every way of waking an agent behaves the same.
 */
const index = buildSearchIndex(AGENT_REPOSITORY);

const view = (entry: RepositoryEntry) => ({ ...entry, executable: isExecutable(entry) });

function tenantOf(principal: Principal, requested: string | undefined): string {
  const tenant = requested ?? principal.tenant;
  if (tenant !== principal.tenant) throw forbidden(`this key belongs to tenant ${principal.tenant}`, 'tenant');
  return tenant;
}

function entryOf(agentType: string): RepositoryEntry {
  const entry = findRepositoryEntry(agentType);
  if (!entry) throw badRequest(`unknown agent type "${agentType}"`, 'agentType');
  return entry;
}

function specOf(entry: RepositoryEntry, body: Omit<DeployRequest, 'agentType' | 'tenant'>): DeploymentSpec {
  return {
    tier: body.lifecycle ?? entry.costTier,
    schedule: body.schedule,
    keepAliveMinutes: body.keepAliveMinutes,
    idleMinutes: body.idleMinutes ?? entry.idleMinutes,
    capacity: body.capacity,
    warmInstances: body.warmInstances,
    maxInstances: body.maxInstances,
    resources: body.resources,
  };
}

function asApiError(error: unknown): never {
  if (error instanceof DeploymentInputError) throw badRequest(error.message, error.field);
  if (error instanceof NotDeployedError) throw notFound(error.message);
  throw error;
}

export function registerAgentRoutes(scope: FastifyInstance, deps: { db: Db; temporal: Client }): void {
  const model = costModel(loadConfig());

  const list = ROUTES.agentRepository;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      authorize(request, list.permission);
      const agents = filterRepository(parseOr400(list.query, request.query)).map(view);
      return { count: agents.length, agents };
    },
  });

  const search = ROUTES.agentRepositorySearch;
  scope.route({
    method: search.method,
    url: search.url,
    handler: async (request) => {
      authorize(request, search.permission);
      const { q, limit } = parseOr400(search.query, request.query);
      const results = index.search(q, limit).map((hit) => ({ score: hit.score, matched: hit.matched, agent: view(hit.entry) }));
      return { query: q, ranking: 'bm25-fields', count: results.length, results };
    },
  });

  const deploy = ROUTES.deployAgent;
  scope.route({
    method: deploy.method,
    url: deploy.url,
    handler: async (request, reply) => {
      const principal = authorize(request, deploy.permission);
      const body = parseOr400(deploy.body, request.body);
      const tenant = tenantOf(principal, body.tenant);
      const entry = entryOf(body.agentType);
      const result = await deployAgent(deps, tenant, entry, specOf(entry, body)).catch(asApiError);
      return reply.code(result.created ? 201 : 200).send({ tenant, agentType: entry.agentType, tier: specOf(entry, body).tier, ...result });
    },
  });

  const update = ROUTES.updateDeployment;
  scope.route({
    method: update.method,
    url: update.url,
    handler: async (request) => {
      const principal = authorize(request, update.permission);
      const { agentType } = parseOr400(update.params, request.params);
      const body = parseOr400(update.body, request.body);
      const tenant = tenantOf(principal, body.tenant);
      const exists = await deps.db.query('select 1 from agent_deployments where tenant_id = $1 and agent_type = $2', [tenant, agentType]);
      if (exists.rowCount === 0) throw notFound(`agent type ${agentType} is not deployed`);
      const entry = entryOf(agentType);
      const result = await deployAgent(deps, tenant, entry, specOf(entry, body)).catch(asApiError);
      return { tenant, agentType, tier: specOf(entry, body).tier, ...result };
    },
  });

  const undeploy = ROUTES.undeployAgent;
  scope.route({
    method: undeploy.method,
    url: undeploy.url,
    handler: async (request) => {
      const principal = authorize(request, undeploy.permission);
      const { agentType } = parseOr400(undeploy.params, request.params);
      const result = await undeployAgent(deps, principal.tenant, agentType);
      if (!result) throw notFound(`agent type ${agentType} is not deployed`);
      return { tenant: principal.tenant, agentType, ...result };
    },
  });

  const wake = ROUTES.wakeAgent;
  scope.route({
    method: wake.method,
    url: wake.url,
    handler: async (request, reply) => {
      const principal = authorize(request, wake.permission);
      const body = parseOr400(wake.body, request.body);
      const result = await activateAgent(deps, { tenant: principal.tenant, ...body }).catch(asApiError);
      return reply.code(202).send(result);
    },
  });

  const costs = ROUTES.agentCosts;
  scope.route({
    method: costs.method,
    url: costs.url,
    handler: async (request) => {
      const principal = authorize(request, costs.permission);
      const { id } = parseOr400(costs.params, request.params);
      const found = await agentCosts(deps.db, model, principal.tenant, id);
      if (!found) throw notFound(`no agent "${id}"`);
      return found;
    },
  });

  const totals = ROUTES.tenantAgentCosts;
  scope.route({
    method: totals.method,
    url: totals.url,
    handler: async (request) => {
      const principal = authorize(request, totals.permission);
      return tenantCosts(deps.db, model, principal.tenant);
    },
  });
}
