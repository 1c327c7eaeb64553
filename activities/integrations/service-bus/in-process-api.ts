import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IngressAnswer, IngressCall, IngressTargets } from './ports.js';

/**
 * The bridge starts work through the API's own routes, served in-process without a network or an API key: the same
 * validation, the same workflow ids (task id → `task:<tenant>:<taskId>`), the same "already started" answer and the
 * same session join as POST /v1/tasks and POST /v1/capabilities, with none of it copied here. The caller hands in the
 * route registrations (activities/ does not import api/); each call runs as an operator of the message's tenant.
 */
export interface InProcessApi extends IngressTargets {
  close(): Promise<void>;
}

const TENANT_HEADER = 'x-ants-ingress-tenant';
const REQUESTED_BY_HEADER = 'x-ants-ingress-requested-by';

const started = z.object({ workflowId: z.string().min(1), created: z.boolean() });
const refusal = z.object({ code: z.string().optional(), message: z.string().optional() });

export function createInProcessApi(registerRoutes: (scope: FastifyInstance) => void): InProcessApi {
  const app = Fastify({ logger: false });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const tenant = request.headers[TENANT_HEADER];
    const name = request.headers[REQUESTED_BY_HEADER];
    if (typeof tenant !== 'string' || typeof name !== 'string') throw new Error('an in-process call without its tenant');
    request.principal = { keyId: 'service-bus', tenant, role: 'operator', name };
  });
  // Only a status and a message are needed here: 4xx is a refusal for good, anything else a failure to retry.
  app.setErrorHandler((error: unknown, _request, reply) => {
    const fields = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown; code?: unknown; message?: unknown }) : {};
    const status = typeof fields.statusCode === 'number' && fields.statusCode >= 400 && fields.statusCode < 500 ? fields.statusCode : 500;
    const code = typeof fields.code === 'string' ? fields.code : 'error';
    void reply.code(status).send({ code, message: typeof fields.message === 'string' ? fields.message : String(error) });
  });
  registerRoutes(app);

  async function call(url: string, { tenant, requestedBy, body }: IngressCall): Promise<IngressAnswer> {
    const response = await app.inject({ method: 'POST', url, payload: body, headers: { [TENANT_HEADER]: tenant, [REQUESTED_BY_HEADER]: requestedBy } });
    const answer: unknown = response.json();
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const parsed = started.parse(answer);
      return { accepted: true, workflowId: parsed.workflowId, created: parsed.created };
    }
    const parsed = refusal.safeParse(answer);
    const message = parsed.success ? (parsed.data.message ?? '') : response.body;
    if (response.statusCode >= 400 && response.statusCode < 500) {
      return { accepted: false, status: response.statusCode, code: (parsed.success ? parsed.data.code : undefined) ?? 'refused', message };
    }
    throw new Error(`the start failed (${response.statusCode}): ${message}`);
  }

  return {
    submitTask: (request) => call('/v1/tasks', request),
    requestCapability: (request) => call('/v1/capabilities', request),
    close: () => app.close(),
  };
}
