/**
 * A small Stripe-like payments API for demos and tests: `createPaymentsDemoApi({ apiKey })` gives a Fastify server
 * to `listen` on and `close`. Its OpenAPI document (GET /openapi.json) is what an agent reads to build an
 * integration; its seeded data is what that integration then reconciles.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DemoApiError } from './errors.js';
import { IdempotencyKeys } from './idempotency.js';
import { paymentsOpenApiDocument } from './openapi.js';
import { OPERATIONS, type OperationId } from './operations.js';
import * as s from './schemas.js';
import { DEFAULT_SEED } from './seed.js';
import { PaymentsStore } from './store.js';
import { parseRequestPart } from './validation.js';

export interface PaymentsDemoApiOptions {
  /** The bearer token every /v1 request must carry. */
  apiKey: string;
  /** Changes the generated data; the same seed always gives the same customers, charges and ids. */
  seed?: number;
  /** Advertised in the document's `servers`, when known. */
  serverUrl?: string;
  /** Pino level; quiet by default, since the demo runs beside the real services. */
  logLevel?: string;
}

/** Requests that need no key: a client has to be able to discover the API and probe it before it has one. */
const PUBLIC_PATHS = new Set(['/health', '/openapi.json']);
const BODY_LIMIT_BYTES = 64 * 1024;

type Handler = (request: FastifyRequest, replay: (replayed: boolean) => void) => unknown;

const idParams = z.object({ id: z.string() });
const noBody = z.strictObject({}).optional();

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function idempotencyKeyOf(request: FastifyRequest, required: boolean): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined && !required) return undefined;
  const parsed = s.idempotencyKey.safeParse(raw);
  if (!parsed.success) {
    const message = raw === undefined ? 'This request needs an Idempotency-Key header, so a retry cannot charge twice.' : 'Idempotency-Key must be 1 to 255 characters.';
    throw new DemoApiError(400, 'invalid_request_error', message, 'Idempotency-Key');
  }
  return parsed.data;
}

function handlers(store: PaymentsStore, keys: IdempotencyKeys): Record<OperationId, Handler> {
  const id = (request: FastifyRequest) => idParams.parse(request.params).id;
  /** Runs a write once per Idempotency-Key (when one is given) and reports whether the answer is a replay. */
  const write = <T>(request: FastifyRequest, replay: (replayed: boolean) => void, operation: string, input: unknown, required: boolean, run: () => T): T => {
    const key = idempotencyKeyOf(request, required);
    if (key === undefined) return run();
    const { result, replayed } = keys.once(key, operation, input, run);
    replay(replayed);
    return result;
  };
  return {
    listCustomers: (request) => store.listCustomers(parseRequestPart(s.listCustomersQuery, request.query, 'query')),
    getCustomer: (request) => store.getCustomer(id(request)),
    createCustomer: (request, replay) => {
      const body = parseRequestPart(s.createCustomerBody, request.body, 'body');
      return write(request, replay, 'createCustomer', body, false, () => store.createCustomer(body));
    },
    listCharges: (request) => store.listCharges(parseRequestPart(s.listChargesQuery, request.query, 'query')),
    getCharge: (request) => store.getCharge(id(request)),
    createCharge: (request, replay) => {
      // The key is checked before the body so a client learns about it on its first attempt.
      idempotencyKeyOf(request, true);
      const body = parseRequestPart(s.createChargeBody, request.body, 'body');
      return write(request, replay, 'createCharge', body, true, () => store.createCharge(body));
    },
    listPaymentIntents: (request) => store.listPaymentIntents(parseRequestPart(s.listPaymentIntentsQuery, request.query, 'query')),
    getPaymentIntent: (request) => store.getPaymentIntent(id(request)),
    createPaymentIntent: (request, replay) => {
      const body = parseRequestPart(s.createPaymentIntentBody, request.body, 'body');
      return write(request, replay, 'createPaymentIntent', body, false, () => store.createPaymentIntent(body));
    },
    confirmPaymentIntent: (request, replay) => {
      parseRequestPart(noBody, request.body, 'body');
      const intentId = id(request);
      return write(request, replay, 'confirmPaymentIntent', { id: intentId }, false, () => store.confirmPaymentIntent(intentId));
    },
  };
}

export function createPaymentsDemoApi(options: PaymentsDemoApiOptions): FastifyInstance {
  if (options.apiKey.length === 0) throw new Error('the demo payments API needs a non-empty apiKey');
  const seed = options.seed ?? DEFAULT_SEED;
  const store = new PaymentsStore(seed);
  const keys = new IdempotencyKeys();
  const expectedKey = digest(options.apiKey);
  const document = paymentsOpenApiDocument({ seed, ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}) });
  const level = options.logLevel ?? 'silent';
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, logger: level === 'silent' ? false : { level, redact: ['req.headers.authorization'] } });

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_PATHS.has(request.url.split('?')[0] ?? '')) return;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    // Compare digests: equal lengths for timingSafeEqual, and no timing hint about the key's length or prefix.
    if (token !== undefined && timingSafeEqual(digest(token), expectedKey)) return;
    const message = token === undefined ? 'No API key provided: send Authorization: Bearer <key>.' : 'Invalid API key provided.';
    return reply.code(401).header('WWW-Authenticate', 'Bearer realm="ants-demo-payments"').send(new DemoApiError(401, 'authentication_error', message).toBody());
  });

  app.setErrorHandler((error: FastifyError | DemoApiError, _request, reply) => {
    if (error instanceof DemoApiError) return reply.code(error.status).send(error.toBody());
    // Fastify's own refusals (malformed JSON, wrong content type, body too large) keep their status in our shape.
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const type = status === 500 ? 'api_error' : 'invalid_request_error';
    if (status === 500) app.log.error(error);
    return reply.code(status).send(new DemoApiError(status, type, status === 500 ? 'Internal error' : error.message).toBody());
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(new DemoApiError(404, 'invalid_request_error', `Unrecognized request URL (${request.method} ${request.url.split('?')[0]}); see GET /openapi.json`).toBody()),
  );

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/openapi.json', async () => document);

  const handle = handlers(store, keys);
  for (const operation of OPERATIONS) {
    const run = handle[operation.operationId];
    app.route({
      method: operation.method,
      url: operation.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const result = run(request, (replayed) => void reply.header('Idempotent-Replayed', String(replayed)));
        return reply.code(operation.success.status).send(result);
      },
    });
  }
  return app;
}
