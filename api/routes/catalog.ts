import type { z } from 'zod';
import type { Permission } from '../auth/roles.js';
import { errorResponse } from '../errors.js';
import * as agentSchemas from '../agents/schemas.js';
import { pheromone, pheromoneDeposit, pheromoneList, pheromoneQuery } from '../swarm-schemas.js';
import { backlogView, swarmMetricsQuery, swarmMetricsView } from '../metrics-schemas.js';
import { forgetMemoryBody, memoryForgotten, memorySearchQuery, memorySearchResults } from '../memory-schemas.js';
import {
  approvalItem,
  approvalList,
  approvalParams,
  approvalRecord,
  approvalRequest,
  approvalsQuery,
  approvalTiersRequest,
  consensusAccepted,
  consensusParams,
  consensusResponse,
  consensusSubmission,
  decisionMetrics,
  delegationChange,
  delegationList,
  budgetSetting,
  budgetView,
  costQuery,
  costReport,
  healthResponse,
  modelList,
  modelParams,
  modelSpecSchema,
  modelUpserted,
  openApiDocumentSchema,
  taskAccepted,
  taskParams,
  taskStatusResponse,
  taskSubmission,
} from '../schemas.js';

/**
 * The API surface as data: each route's method, path, who may call it and the schemas of what goes in and out.
 * The handlers validate with these schemas and the OpenAPI document is generated from this table.
 */
export interface ResponseSpec {
  description: string;
  schema: z.ZodType;
}

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify syntax (`:id`); the OpenAPI document rewrites it to `{id}`. */
  url: string;
  summary: string;
  /** Absent: no API key needed. */
  permission?: Permission;
  params?: z.ZodObject;
  /** Query-string parameters (each documented as an `in: query` parameter). */
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
}

const error = (description: string): ResponseSpec => ({ description, schema: errorResponse });

const AUTH_ERRORS = {
  401: error('Missing, malformed, unknown or revoked API key'),
  403: error('The key’s role may not do this'),
};

export const ROUTES = {
  submitTask: {
    operationId: 'submitTask',
    method: 'POST',
    url: '/v1/tasks',
    summary: 'Submit a task (operator or admin). Submitting the same task id again starts nothing and answers created=false.',
    permission: 'submit',
    body: taskSubmission,
    responses: {
      202: { description: 'The task is running (or was already submitted)', schema: taskAccepted },
      400: error('Malformed JSON, an unknown field, an unknown agent or task type, or an input that does not fit the task type'),
      ...AUTH_ERRORS,
      403: error('The key’s role may not submit, or the body names another tenant'),
      413: error('The body is larger than 256 KiB'),
      415: error('The body is not application/json'),
      503: error('Temporal is unreachable; nothing was started'),
    },
  },
  taskStatus: {
    operationId: 'getTask',
    method: 'GET',
    url: '/v1/tasks/:id',
    summary: "A task's status: live progress while it runs, the result or the failure once it is closed.",
    permission: 'view',
    params: taskParams,
    responses: {
      200: { description: 'The task', schema: taskStatusResponse },
      400: error('The task id is not a valid identifier'),
      ...AUTH_ERRORS,
      404: error('No such task for this key’s tenant'),
      503: error('Temporal is unreachable'),
    },
  },
  decideApproval: {
    operationId: 'decideApproval',
    method: 'POST',
    url: '/v1/tasks/:id/approval',
    summary: 'Approve or reject the effects a task proposes (approver or admin). The key’s name is the approver id.',
    permission: 'approve',
    params: taskParams,
    body: approvalRequest,
    responses: {
      200: { description: 'The recorded decision', schema: approvalRecord },
      400: error('Malformed JSON or an invalid body'),
      ...AUTH_ERRORS,
      403: error('The key’s role may not approve, or this approver may not decide this task (e.g. they submitted it)'),
      404: error('No such task for this key’s tenant'),
      409: error('The task is not waiting for an approval'),
      413: error('The body is larger than 256 KiB'),
      415: error('The body is not application/json'),
      503: error('Temporal is unreachable'),
    },
  },
  listModels: {
    operationId: 'listModels',
    method: 'GET',
    url: '/v1/models',
    summary: "The model registry as this key's tenant sees it: the shipped models, its own added or updated ones, and what the router learned of each.",
    permission: 'view',
    responses: { 200: { description: 'The models', schema: modelList }, ...AUTH_ERRORS },
  },
  putModel: {
    operationId: 'putModel',
    method: 'PUT',
    url: '/v1/models/:id',
    summary: "Add a model to this key's tenant, or update it (admin only). A tenant model of a shipped id replaces the shipped one for this tenant.",
    permission: 'administer',
    params: modelParams,
    body: modelSpecSchema,
    responses: {
      200: { description: 'The model was updated', schema: modelUpserted },
      201: { description: 'The model was added', schema: modelUpserted },
      400: error('Malformed JSON, an invalid model, or a body id that differs from the path'),
      ...AUTH_ERRORS,
      403: error('Only an admin key may change the registry'),
      413: error('The body is larger than 256 KiB'),
      415: error('The body is not application/json'),
    },
  },
  costs: {
    operationId: 'getCosts',
    method: 'GET',
    url: '/v1/costs',
    summary: "Model tokens and dollars of this key's tenant, per UTC day, agent type, model or task, with the day's spending against its budget.",
    permission: 'view',
    query: costQuery,
    responses: {
      200: { description: 'The costs', schema: costReport },
      400: error('An invalid query parameter (dates are YYYY-MM-DD; from must not be after to; at most 366 days)'),
      ...AUTH_ERRORS,
    },
  },
  getBudget: {
    operationId: 'getBudget',
    method: 'GET',
    url: '/v1/budgets',
    summary: "This key's tenant's daily model budget, today's spending (UTC day) and what remains of it.",
    permission: 'view',
    responses: { 200: { description: 'The budget', schema: budgetView }, ...AUTH_ERRORS },
  },
  putBudget: {
    operationId: 'putBudget',
    method: 'PUT',
    url: '/v1/budgets',
    summary:
      "Set this key's tenant's daily model budget (admin only; audited). Once it is spent the router downgrades to cheaper models that still meet the step's constraints, or refuses the step with ModelBudgetExhausted.",
    permission: 'administer',
    body: budgetSetting,
    responses: {
      200: { description: 'The budget now in force', schema: budgetView },
      400: error('Malformed JSON or an invalid body (a number of dollars from 0 to 1,000,000,000)'),
      ...AUTH_ERRORS,
      403: error('Only an admin key may change the budget'),
      413: error('The body is larger than 256 KiB'),
      415: error('The body is not application/json'),
    },
  },
  listApprovals: {
    operationId: 'listApprovals',
    method: 'GET',
    url: '/v1/approvals',
    summary: 'The approvals inbox: requests of this key’s tenant, the most severe first, then the oldest, with their context (votes, rationales, proposed effects).',
    permission: 'view',
    query: approvalsQuery,
    responses: { 200: { description: 'The requests', schema: approvalList }, 400: error('An invalid query parameter'), ...AUTH_ERRORS },
  },
  getApproval: {
    operationId: 'getApproval',
    method: 'GET',
    url: '/v1/approvals/:id',
    summary: 'One approval request with its context and, once closed, its decision.',
    permission: 'view',
    params: approvalParams,
    responses: { 200: { description: 'The request', schema: approvalItem }, 400: error('Not a request id'), ...AUTH_ERRORS, 404: error('No such request for this key’s tenant') },
  },
  decideRequest: {
    operationId: 'decideRequest',
    method: 'POST',
    url: '/v1/approvals/:id/decision',
    summary:
      'Approve or reject any pending request (approver or admin; the tier’s group when it has one). An escalated consensus round may be approved with any of its options (`option`; without one, the leading option). The key’s name is the approver id.',
    permission: 'approve',
    params: approvalParams,
    body: approvalRequest,
    responses: {
      200: { description: 'The recorded decision', schema: approvalRecord },
      400: error('Malformed JSON, an invalid body, or an option the request does not offer'),
      ...AUTH_ERRORS,
      403: error('The key’s role may not approve, the approver asked for the work, or is not in the tier’s group'),
      404: error('No such request for this key’s tenant'),
      409: error('The request is not waiting for a decision'),
      503: error('Temporal is unreachable'),
    },
  },
  listDelegationModes: {
    operationId: 'listDelegationModes',
    method: 'GET',
    url: '/v1/delegation-modes',
    summary: 'The delegation mode of each agent type of this key’s tenant (`*` is the default; human_approval when unset).',
    permission: 'view',
    responses: { 200: { description: 'The modes', schema: delegationList }, ...AUTH_ERRORS },
  },
  setDelegationMode: {
    operationId: 'setDelegationMode',
    method: 'POST',
    url: '/v1/delegation-modes',
    summary: 'Set the delegation mode of an agent type (admin only); every change is audited.',
    permission: 'administer',
    body: delegationChange,
    responses: { 200: { description: 'The modes after the change', schema: delegationList }, 400: error('An invalid body'), ...AUTH_ERRORS, 403: error('Only an admin key may change delegation modes') },
  },
  setApprovalTiers: {
    operationId: 'setApprovalTiers',
    method: 'POST',
    url: '/v1/approval-tiers',
    summary: 'Replace the escalation chain (tiers with approver groups and windows) of this key’s tenant (admin only); audited.',
    permission: 'administer',
    body: approvalTiersRequest,
    responses: { 204: { description: 'Saved', schema: approvalTiersRequest }, 400: error('An invalid body'), ...AUTH_ERRORS, 403: error('Only an admin key may change the tiers') },
  },
  startConsensus: {
    operationId: 'startConsensus',
    method: 'POST',
    url: '/v1/consensus',
    summary: 'Start a consensus round (operator or admin): parallel votes, a confidence-weighted score, escalation to a person below the threshold.',
    permission: 'submit',
    body: consensusSubmission,
    responses: {
      202: { description: 'The round is running (or was already started)', schema: consensusAccepted },
      400: error('An invalid body, an unknown agent type, duplicate options or a quorum larger than the pool'),
      ...AUTH_ERRORS,
      503: error('Temporal is unreachable'),
    },
  },
  getConsensus: {
    operationId: 'getConsensus',
    method: 'GET',
    url: '/v1/consensus/:id',
    summary: 'A consensus round: votes, agreement matrix, score, dissent, and the human decision when it escalated.',
    permission: 'view',
    params: consensusParams,
    responses: { 200: { description: 'The round', schema: consensusResponse }, ...AUTH_ERRORS, 404: error('No such round for this key’s tenant') },
  },
  decisionMetrics: {
    operationId: 'getDecisionMetrics',
    method: 'GET',
    url: '/v1/metrics/decisions',
    summary: 'Human approval rate, time to decision, timeouts, consensus score distribution and accuracy on labelled rounds, adapted thresholds.',
    permission: 'view',
    responses: { 200: { description: 'The metrics', schema: decisionMetrics }, ...AUTH_ERRORS },
  },
  swarmMetrics: {
    operationId: 'getSwarmMetrics',
    method: 'GET',
    url: '/v1/metrics/swarm',
    summary: "The key's tenant's swarm: load evenness (Gini) overall and per agent type, idle %, utilisation, completion within SLA, time to assignment.",
    permission: 'view',
    query: swarmMetricsQuery,
    responses: { 200: { description: 'The metrics', schema: swarmMetricsView }, 400: error('An invalid period or SLA'), ...AUTH_ERRORS },
  },
  poolBacklog: {
    operationId: 'getPoolBacklog',
    method: 'GET',
    url: '/v1/metrics/backlog',
    summary: "Each worker pool's task-queue backlog from Temporal (tasks waiting, oldest wait, add/dispatch rates, pollers), for autoscaling. Cluster-wide: admins only.",
    permission: 'administer',
    responses: { 200: { description: 'The backlog per pool', schema: backlogView }, ...AUTH_ERRORS },
  },
  health: {
    operationId: 'health',
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness of the API and reachability of Temporal and PostgreSQL.',
    responses: {
      200: { description: 'Temporal and PostgreSQL answer', schema: healthResponse },
      503: { description: 'Temporal or PostgreSQL does not answer', schema: healthResponse },
    },
  },
  openApi: {
    operationId: 'openApi',
    method: 'GET',
    url: '/openapi.json',
    summary: 'This document.',
    responses: { 200: { description: 'The OpenAPI 3.1 document', schema: openApiDocumentSchema } },
  },
  agentRepository: {
    operationId: 'listAgentRepository',
    method: 'GET',
    url: '/v1/agents/repository',
    summary: 'The agent repository (the whitepaper taxonomy), filtered by department, industry, capability, category or cost tier.',
    permission: 'view',
    query: agentSchemas.repositoryQuery,
    responses: { 200: { description: 'Matching entries', schema: agentSchemas.repositoryList }, 400: error('An unknown query parameter'), ...AUTH_ERRORS },
  },
  agentRepositorySearch: {
    operationId: 'searchAgentRepository',
    method: 'GET',
    url: '/v1/agents/repository/search',
    summary: 'Entries ranked by relevance to q (field-weighted BM25 over names, capabilities, tags, descriptions and playbooks).',
    permission: 'view',
    query: agentSchemas.searchQuery,
    responses: { 200: { description: 'Ranked entries, best first', schema: agentSchemas.searchResults }, 400: error('q is missing or too long'), ...AUTH_ERRORS },
  },
  deployAgent: {
    operationId: 'deployAgent',
    method: 'POST',
    url: '/v1/agents/deploy',
    summary: 'One-click deploy of a repository agent type: deployment, warm pool, event triggers and a Temporal Schedule (cron + timezone). Deploying again updates it.',
    permission: 'submit',
    body: agentSchemas.deployRequest,
    responses: {
      201: { description: 'Deployed', schema: agentSchemas.deployment },
      200: { description: 'An existing deployment, updated', schema: agentSchemas.deployment },
      400: error('Unknown agent type, bad cron expression or timezone, warm instances above the maximum'),
      ...AUTH_ERRORS,
      503: error('Temporal is unreachable; nothing was deployed'),
    },
  },
  updateDeployment: {
    operationId: 'updateDeployment',
    method: 'PUT',
    url: '/v1/agents/deployments/:agentType',
    summary: 'Replace the settings of a deployment (same body as deploy, without agentType).',
    permission: 'submit',
    params: agentSchemas.deploymentParams,
    body: agentSchemas.deploymentUpdate,
    responses: { 200: { description: 'Updated', schema: agentSchemas.deployment }, 400: error('Invalid settings'), ...AUTH_ERRORS, 404: error('Not deployed') },
  },
  undeployAgent: {
    operationId: 'undeployAgent',
    method: 'POST',
    url: '/v1/agents/deployments/:agentType/undeploy',
    summary: 'Remove the Schedule and triggers and retire every agent of the type (each checkpoints first); costs stay readable.',
    permission: 'submit',
    params: agentSchemas.deploymentParams,
    responses: { 200: { description: 'Undeployed', schema: agentSchemas.undeployed }, ...AUTH_ERRORS, 404: error('Not deployed') },
  },
  wakeAgent: {
    operationId: 'wakeAgent',
    method: 'POST',
    url: '/v1/agents/wake',
    summary: 'Wake an agent of a deployed type (one already up, else a sleeping one restored from its checkpoint, else a new one).',
    permission: 'submit',
    body: agentSchemas.wakeRequest,
    responses: { 202: { description: 'The wake was sent', schema: agentSchemas.activation }, 400: error('Invalid body'), ...AUTH_ERRORS, 404: error('The agent type is not deployed'), 503: error('Temporal is unreachable') },
  },
  ingestEvent: {
    operationId: 'ingestEvent',
    method: 'POST',
    url: '/v1/events',
    summary: 'Ingest a business event; triggers on its type wake their agent types when their threshold is reached. The same event id counts once.',
    permission: 'submit',
    body: agentSchemas.eventRequest,
    responses: { 202: { description: 'Recorded; the agents it woke', schema: agentSchemas.eventAccepted }, 400: error('Invalid body'), ...AUTH_ERRORS, 503: error('Temporal is unreachable') },
  },
  agentCosts: {
    operationId: 'getAgentCosts',
    method: 'GET',
    url: '/v1/agents/:id/costs',
    summary: "One agent's running and sleeping hours, tokens, and compute/LLM/storage dollars from the cost model, with the saving against always-on.",
    permission: 'view',
    params: agentSchemas.agentParams,
    responses: { 200: { description: 'Costs so far', schema: agentSchemas.agentCosts }, ...AUTH_ERRORS, 404: error('No such agent for this tenant') },
  },
  tenantAgentCosts: {
    operationId: 'getTenantAgentCosts',
    method: 'GET',
    url: '/v1/agents/costs',
    summary: "Every agent of the key's tenant with its costs, and the tenant total against always-on.",
    permission: 'view',
    responses: { 200: { description: 'Costs so far', schema: agentSchemas.tenantCosts }, ...AUTH_ERRORS },
  },
  forgetMemory: {
    operationId: 'forgetMemory',
    method: 'DELETE',
    url: '/v1/memory',
    summary: "Forget memory of this key's tenant (admin only; retention, GDPR erasure): one memory by id, an agent's, an agent type's, or all of it, cold tier included. Audited.",
    permission: 'administer',
    body: forgetMemoryBody,
    responses: {
      200: { description: 'What was forgotten (0 when nothing matched: forgetting again is harmless)', schema: memoryForgotten },
      400: error('Malformed JSON, an unknown field, or not exactly one of id, agentId, agentType, all'),
      ...AUTH_ERRORS,
      403: error('Only an admin key may forget memory'),
      415: error('The body is not application/json'),
    },
  },
  searchMemory: {
    operationId: 'searchMemory',
    method: 'GET',
    url: '/v1/memory/search',
    summary: "The key's tenant's memories closest in meaning to q (every agent's), best first.",
    permission: 'view',
    query: memorySearchQuery,
    responses: { 200: { description: 'The memories, best first', schema: memorySearchResults }, 400: error('q missing or too long, an unknown kind, k out of range'), ...AUTH_ERRORS },
  },
  depositPheromone: {
    operationId: 'depositPheromone',
    method: 'POST',
    url: '/v1/pheromones',
    summary: "Lay (or reinforce) a pheromone trail in this key's tenant's field; the depositor is the key.",
    permission: 'submit',
    body: pheromoneDeposit,
    responses: {
      201: { description: 'The trail as it is now', schema: pheromone },
      400: error('An invalid type, location, strength or TTL'),
      ...AUTH_ERRORS,
    },
  },
  listPheromones: {
    operationId: 'listPheromones',
    method: 'GET',
    url: '/v1/pheromones',
    summary: "Live trails of this key's tenant, strongest (after evaporation) first.",
    permission: 'view',
    query: pheromoneQuery,
    responses: { 200: { description: 'The trails', schema: pheromoneList }, 400: error('An invalid query parameter'), ...AUTH_ERRORS },
  },
} as const satisfies Record<string, RouteSpec>;
