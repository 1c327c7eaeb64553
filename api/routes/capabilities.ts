import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { capabilityId, capabilityWorkflowId } from '../../core/tools/capability.js';
import { capabilityStatusQuery } from '../../workflows/capability/messages.js';
import { askForCapability } from '../capabilities/ask.js';
import { authorize } from '../auth/http.js';
import { notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/**
 * POST /v1/capabilities asks the meta-agent for tools (joining a build of the same API under way); GET
 * /v1/capabilities/:id shows it.
 */
export function registerCapabilityRoutes(scope: FastifyInstance, deps: { temporal: Client }): void {
  const request = ROUTES.requestCapability;
  scope.route({
    method: request.method,
    url: request.url,
    handler: async (req, reply) => {
      const principal = authorize(req, request.permission);
      const body = parseOr400(request.body, req.body);
      // Informational only (a build may start or end between the two calls): did this request find one under way?
      const running = await isRunning(deps.temporal, capabilityWorkflowId(principal.tenant, capabilityId(body.api, body.secret)));
      const { capabilityId: id, workflowId } = await askForCapability(deps.temporal, { tenant: principal.tenant, request: body, requestedBy: principal.name });
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
