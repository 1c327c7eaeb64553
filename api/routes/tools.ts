import { randomUUID } from 'node:crypto';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { BUILTIN_TOOL_NAMES } from '../../activities/tools/builtin/index.js';
import { createPostgresToolRegistry } from '../../activities/tools/registry/postgres-registry.js';
import { ToolConflict, type ToolRegistry } from '../../activities/tools/registry/ports.js';
import { summarize, type ToolRunOutcome } from '../../activities/tools/registry-activities.js';
import { shortHash } from '../../core/hash.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { PROMOTION, runsUntilPromotion } from '../../core/tools/stats.js';
import { validateToolCode } from '../../core/tools/validation.js';
import type { Db } from '../../infra/db/pool.js';
import type { toolRunWorkflow } from '../../workflows/index.js';
import { toolRunWorkflowId } from '../../workflows/tools/workflow.js';
import { authorize } from '../auth/http.js';
import { can } from '../auth/roles.js';
import { ApiError, badRequest, conflict, forbidden, notFound, parseOr400 } from '../errors.js';
import { ONCE_PER_ID, startedOnce } from '../start-once.js';
import { ROUTES } from './catalog.js';

/** The dynamic tool registry at the API: register, search, read, run, stats, deprecate — each within the key's tenant. */
export function registerToolRoutes(scope: FastifyInstance, deps: { db: Db; temporal: Client; registry?: ToolRegistry }): void {
  const registry = deps.registry ?? createPostgresToolRegistry(deps.db);
  // Only to check that a schema compiles; inputs are checked where tools run (the tools pool).
  const schemaCheck = new Ajv({ strict: false });
  const builtins = new Set<string>(BUILTIN_TOOL_NAMES);

  const found = async (tenant: string, ref: string) => {
    const tool = await registry.resolve(tenant, ref);
    if (!tool) throw notFound(`no tool ${ref}`);
    return tool;
  };

  const register = ROUTES.registerTool;
  scope.route({
    method: register.method,
    url: register.url,
    handler: async (request, reply) => {
      const principal = authorize(request, register.permission);
      const draft = parseOr400(register.body, request.body);
      // More trust than RESTRICTED (files, longer limits) is the tenant's administrators' to give, not any submitter's.
      if (draft.level !== 'RESTRICTED' && !can(principal.role, 'administer')) throw forbidden(`registering a ${draft.level} tool needs an admin key`, 'level');
      if (builtins.has(draft.name)) throw conflict('tool_conflict', `${draft.name} is a built-in tool; register under another name`);
      const validated = validateToolCode(draft.code, { entry: draft.entry });
      if (!validated.ok) {
        const problems = validated.problems.map((p) => `${p.rule} at ${p.line}:${p.column}: ${p.message}`);
        throw badRequest(`the code fails validation: ${problems.join('; ')}`, 'code');
      }
      try {
        schemaCheck.compile(draft.inputSchema);
      } catch (error) {
        throw badRequest(`inputSchema is not a valid JSON schema: ${error instanceof Error ? error.message : String(error)}`, 'inputSchema');
      }
      const { tool, created } = await registry.register(principal.tenant, { ...draft, creator: `api:${principal.name}` });
      return reply.code(created ? 201 : 200).send({ tool: summarize(tool), created });
    },
  });

  const list = ROUTES.listTools;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      const principal = authorize(request, list.permission);
      const query = parseOr400(list.query, request.query);
      const tools = await registry.search(principal.tenant, query);
      return { tenant: principal.tenant, count: tools.length, tools: tools.map(summarize) };
    },
  });

  const read = ROUTES.getTool;
  scope.route({
    method: read.method,
    url: read.url,
    handler: async (request) => {
      const principal = authorize(request, read.permission);
      const { id } = parseOr400(read.params, request.params);
      return found(principal.tenant, id);
    },
  });

  const stats = ROUTES.toolStats;
  scope.route({
    method: stats.method,
    url: stats.url,
    handler: async (request) => {
      const principal = authorize(request, stats.permission);
      const { id } = parseOr400(stats.params, request.params);
      const tool = await found(principal.tenant, id);
      return {
        id: tool.id,
        status: tool.status,
        replacementId: tool.replacementId,
        stats: tool.stats,
        promotedAt: tool.promotedAt,
        promotion: { ...PROMOTION, runsRemaining: tool.status === 'testing' ? runsUntilPromotion(tool.stats) : 0 },
      };
    },
  });

  const execute = ROUTES.executeTool;
  scope.route({
    method: execute.method,
    url: execute.url,
    handler: async (request) => {
      const principal = authorize(request, execute.permission);
      const { id } = parseOr400(execute.params, request.params);
      const body = parseOr400(execute.body, request.body ?? {});
      const tool = await found(principal.tenant, id);
      if (tool.status === 'deprecated' && !tool.replacementId) throw notFound(`tool ${tool.id} is deprecated and has no replacement`);
      const runId = body.runId ?? randomUUID();
      const workflowId = toolRunWorkflowId(principal.tenant, runId);
      // The same run id is the same run only for the same tool and input; anything else is a mistake to refuse.
      const fingerprint = shortHash(JSON.stringify([id, body.input]));
      const created = await startedOnce(() =>
        deps.temporal.workflow.start<typeof toolRunWorkflow>('toolRunWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUES.workflows,
          // `api:` keeps these runs apart from the runs tasks record (`task:…`) in the tool's stats.
          args: [{ tenant: principal.tenant, ref: id, input: body.input as never, runId: `api:${runId}` }],
          memo: { request: fingerprint },
          ...ONCE_PER_ID,
          staticSummary: `Run ${tool.id}`,
        }),
      );
      const handle = deps.temporal.workflow.getHandle(workflowId);
      if (!created && (await handle.describe()).memo?.request !== fingerprint) throw conflict('run_conflict', `run ${runId} was made with another tool or input`);
      try {
        const outcome: ToolRunOutcome = await handle.result();
        return { runId, ...outcome };
      } catch (error) {
        if (!(error instanceof WorkflowFailedError)) throw error;
        const cause = error.cause instanceof ActivityFailure ? error.cause.cause : error.cause;
        if (cause instanceof ApplicationFailure && cause.type === 'ToolNotFound') throw notFound(cause.message);
        throw new ApiError(422, 'tool_run_failed', cause?.message ?? error.message);
      }
    },
  });

  const deprecate = ROUTES.deprecateTool;
  scope.route({
    method: deprecate.method,
    url: deprecate.url,
    handler: async (request) => {
      const principal = authorize(request, deprecate.permission);
      const { id } = parseOr400(deprecate.params, request.params);
      const { replacementId } = parseOr400(deprecate.body, request.body ?? {});
      const tool = await found(principal.tenant, id);
      try {
        return summarize(await registry.deprecate(principal.tenant, tool.id, replacementId));
      } catch (error) {
        if (error instanceof ToolConflict) throw conflict('tool_conflict', error.message);
        throw error;
      }
    },
  });
}
