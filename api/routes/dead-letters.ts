import type { FastifyInstance } from 'fastify';
import type { DeadLetterStore } from '../../activities/integrations/service-bus/ports.js';
import { authorize } from '../auth/http.js';
import { isServiceBusError } from '@azure/service-bus';
import { ApiError, notFound, parseOr400 } from '../errors.js';
import { ROUTES } from './catalog.js';

/**
 * GET /v1/dead-letters?queue= and POST /v1/dead-letters/:queue/:messageId/resubmit: the ingress queues' dead letters
 * (Service Bus in the Azure profile, none in the local one). The queues are the cluster's, so like the backlog these
 * are for admins only.
 */
export function registerDeadLetterRoutes(scope: FastifyInstance, deps: { deadLetters: DeadLetterStore }): void {
  const deadLetters = () => deps.deadLetters;

  const list = ROUTES.listDeadLetters;
  scope.route({
    method: list.method,
    url: list.url,
    handler: async (request) => {
      authorize(request, list.permission);
      const { queue, limit } = parseOr400(list.query, request.query);
      knownQueue(deadLetters(), queue);
      return { queue, deadLetters: await reachable(deadLetters().list(queue, limit)) };
    },
  });

  const resubmit = ROUTES.resubmitDeadLetter;
  scope.route({
    method: resubmit.method,
    url: resubmit.url,
    handler: async (request) => {
      authorize(request, resubmit.permission);
      const { queue, messageId } = parseOr400(resubmit.params, request.params);
      knownQueue(deadLetters(), queue);
      const done = await reachable(deadLetters().resubmit(queue, messageId));
      if (!done) throw notFound(`no dead letter "${messageId}" on ${queue}`);
      return done;
    },
  });
}

function knownQueue(store: DeadLetterStore, queue: string): void {
  if (!store.queues.includes(queue)) throw notFound(`${queue} is not an ingress queue (${store.queues.join(', ')})`);
}

/** The broker's own failures (unreachable, throttled, unauthorised) as a 503 rather than an internal error. */
async function reachable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isServiceBusError(error)) throw new ApiError(503, 'service_bus_unavailable', `Service Bus did not answer: ${error.code}`);
    throw error;
  }
}
