import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { capabilityId, capabilityWorkflowId, sourceUrlOf, type CapabilityAsk } from '../../core/tools/capability.js';
import type { capabilityWorkflow } from '../../workflows/index.js';
import { capabilityAskSignal, capabilityStatusQuery } from '../../workflows/capability/messages.js';
import { authorize } from '../auth/http.js';
import { notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/**
 * POST /v1/capabilities asks the meta-agent for tools: signal-with-start, so a request for an API already being
 * built joins that build instead of starting another; GET /v1/capabilities/:id shows it.
 */
export function registerCapabilityRoutes(scope: FastifyInstance, deps: { temporal: Client }): void {
  const request = ROUTES.requestCapability;
  scope.route({
    method: request.method,
    url: request.url,
    handler: async (req, reply) => {
      const principal = authorize(req, request.permission);
      const body = parseOr400(request.body, req.body);
      const id = capabilityId(body.api, body.secret);
      const workflowId = capabilityWorkflowId(principal.tenant, id);
      // Informational only (a build may start or end between the two calls): did this request find one under way?
      const running = await isRunning(deps.temporal, workflowId);
      await deps.temporal.workflow.signalWithStart<typeof capabilityWorkflow, [CapabilityAsk]>('capabilityWorkflow', {
        workflowId,
        taskQueue: TASK_QUEUES.workflows,
        args: [{ ...body, tenant: principal.tenant, requestedBy: principal.name, notify: [] }],
        signal: capabilityAskSignal,
        signalArgs: [{ operations: body.operations ?? [], requestedBy: principal.name, ...(body.secret ? { secret: body.secret } : {}) }],
        staticSummary: `Capability · ${sourceUrlOf(body.api).slice(0, 150)}`,
      });
      return reply.code(202).send({ capabilityId: id, workflowId, created: !running });
    },
  });

  const read = ROUTES.getCapability;
  scope.route({
    method: read.method,
    url: read.url,
    handler: async (req) => {
      const principal = authorize(req, read.permission);
      const { id } = parseOr400(read.params, req.params);
      try {
        const view = await deps.temporal.workflow.getHandle(capabilityWorkflowId(principal.tenant, id)).query(capabilityStatusQuery);
        return { capabilityId: id, ...view };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw notFound(`no capability ${id}`);
        throw error;
      }
    },
  });
}

async function isRunning(temporal: Client, workflowId: string): Promise<boolean> {
  try {
    return (await temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
