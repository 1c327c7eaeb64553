import { z } from 'zod';
import { errorResponse } from './errors.js';
import type { RouteSpec } from './routes/catalog.js';

/** Service Bus entity names are at most 260 characters; message ids at most 128. */
const queueName = z.string().min(1).max(260).regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'a queue name');

export const deadLetterQuery = z
  .object({
    queue: queueName.describe('The queue whose dead letters to list, e.g. ants-tasks'),
    limit: z.coerce.number().int().min(1).max(250).default(50),
  })
  .strict();

export const deadLetterParams = z.object({ queue: queueName, messageId: z.string().min(1).max(128) }).strict();

export const deadLetterSchema = z
  .object({
    queue: z.string(),
    messageId: z.string(),
    idempotencyKey: z.string().describe('The task id the message starts: its own id, or the original id a resubmitted message carries'),
    sequenceNumber: z.string(),
    reason: z.string().nullable().describe('Why it was dead-lettered, e.g. InvalidJson, InvalidSubmission, MaxDeliveryCountExceeded'),
    description: z.string().nullable(),
    deliveryCount: z.number().int(),
    enqueuedAt: z.string().nullable(),
    tenant: z.string().nullable().describe('The tenant application property, as sent'),
    sessionId: z.string().nullable(),
    subject: z.string().nullable(),
  })
  .strict();

export const deadLetterList = z.object({ queue: z.string(), deadLetters: z.array(deadLetterSchema) }).strict();

export const deadLetterResubmitted = z
  .object({
    queue: z.string(),
    messageId: z.string().describe('The dead letter that was resubmitted (and removed)'),
    resubmittedAs: z.string().describe('The id of the message sent to the queue in its place'),
    idempotencyKey: z.string(),
  })
  .strict();

/** Named in the OpenAPI document's components. */
export const DEAD_LETTER_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [deadLetterQuery, 'DeadLetterQuery'],
  [deadLetterParams.shape.queue, 'QueueName'],
  [deadLetterParams.shape.messageId, 'MessageId'],
  [deadLetterSchema, 'DeadLetter'],
  [deadLetterList, 'DeadLetterList'],
  [deadLetterResubmitted, 'DeadLetterResubmitted'],
];

const error = (description: string) => ({ description, schema: errorResponse });
const AUTH_ERRORS = { 401: error('Missing, malformed, unknown or revoked API key'), 403: error('Only an admin key may see or resubmit dead letters') };

/** Route specs in the shape of ROUTES (routes/catalog.ts), for the handlers and the OpenAPI document. */
export const DEAD_LETTER_ROUTES = {
  listDeadLetters: {
    operationId: 'listDeadLetters',
    method: 'GET',
    url: '/v1/dead-letters',
    summary: "An ingress queue's dead letters, oldest first, peeked (nothing is received or removed): reason, description, delivery count, enqueued time, message id and tenant. Cluster-wide: admins only. Always empty in the local profile.",
    permission: 'administer',
    query: deadLetterQuery,
    responses: { 200: { description: 'The dead letters', schema: deadLetterList }, 400: error('An invalid query'), ...AUTH_ERRORS, 404: error('Not an ingress queue') },
  },
  resubmitDeadLetter: {
    operationId: 'resubmitDeadLetter',
    method: 'POST',
    url: '/v1/dead-letters/:queue/:messageId/resubmit',
    summary: 'Send a dead letter back to its queue under a new message id (its original id carried along, so it starts at most the one workflow it always stood for), then remove it.',
    permission: 'administer',
    params: deadLetterParams,
    responses: { 200: { description: 'Resubmitted', schema: deadLetterResubmitted }, ...AUTH_ERRORS, 404: error('No such queue or dead letter'), 503: error('Service Bus is unreachable') },
  },
} as const satisfies Record<string, RouteSpec>;
