import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { threatWorkflowId } from '../../core/swarm/threat-view.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { threatResponseWorkflow } from '../../workflows/index.js';
import { threatStatusQuery } from '../../workflows/threat/messages.js';
import { authorize } from '../auth/http.js';
import { ONCE_PER_ID, startedOnce } from '../start-once.js';
import { notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/** POST /v1/threats starts the collective response (once per threat id); GET /v1/threats/:id shows it. */
export function registerThreatRoutes(scope: FastifyInstance, deps: { temporal: Client }): void {
  const raise = ROUTES.raiseThreat;
  scope.route({
    method: raise.method,
    url: raise.url,
    handler: async (request, reply) => {
      const principal = authorize(request, raise.permission);
      const alert = parseOr400(raise.body, request.body);
      const workflowId = threatWorkflowId(principal.tenant, alert.threatId);
      const created = await startedOnce(() =>
        deps.temporal.workflow.start<typeof threatResponseWorkflow>('threatResponseWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUES.workflows,
          args: [{ ...alert, tenant: principal.tenant, requestedBy: principal.name }],
          ...ONCE_PER_ID,
          staticSummary: `Threat · ${alert.severity} · ${alert.title.slice(0, 100)}`,
        }),
      );
      return reply.code(202).send({ threatId: alert.threatId, workflowId, created });
    },
  });

  const read = ROUTES.getThreat;
  scope.route({
    method: read.method,
    url: read.url,
    handler: async (request) => {
      const principal = authorize(request, read.permission);
      const { id } = parseOr400(read.params, request.params);
      try {
        return await deps.temporal.workflow.getHandle(threatWorkflowId(principal.tenant, id)).query(threatStatusQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw notFound(`no threat ${id}`);
        throw error;
      }
    },
  });
}
