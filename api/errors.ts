import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { z } from 'zod';

/** The one error shape every route answers with. */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('Stable, machine-readable: invalid_request, unauthorized, forbidden, not_found, conflict, …'),
      message: z.string(),
      field: z.string().optional().describe('The first offending field, as a dotted path (e.g. input.invoices.0.amount)'),
    }),
  })
  .strict();
export type ErrorResponse = z.infer<typeof errorResponse>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorResponse {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const badRequest = (message: string, field?: string) => new ApiError(400, 'invalid_request', message, field);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'a valid API key is required: Authorization: Bearer <key> or x-api-key');
export const forbidden = (message: string, field?: string) => new ApiError(403, 'forbidden', message, field);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);

/** Parses with a zod schema; on failure a 400 naming the first failing field (below `prefix`, e.g. `input`). */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, prefix?: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw badRequest('invalid request', prefix);
  // An unknown key is reported at its parent; name the key itself, which is what the caller must remove.
  const path = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...issue.path, issue.keys[0]] : issue.path;
  const field = [prefix, ...path.map(String)].filter((part) => part !== undefined && part !== '').join('.');
  throw badRequest(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

/** Fastify's own failures (body parsing, limits) mapped onto the uniform shape. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is empty; send a JSON object' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'send application/json' },
};

export function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const known = code ? FRAMEWORK_ERRORS[code] : undefined;
  if (known) return new ApiError(known.status, known.code, known.message ?? error.message);
  // Any other client error Fastify raises keeps its status, in our shape.
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) return new ApiError(status, 'invalid_request', error.message);
  if (isTemporalUnreachable(error)) return new ApiError(503, 'temporal_unavailable', 'Temporal is unreachable; try again shortly');
  return new ApiError(500, 'internal', 'internal error');
}

// gRPC UNAVAILABLE and DEADLINE_EXCEEDED: the cluster could not be reached in time, nothing was started.
const UNREACHABLE_GRPC_CODES = new Set([4, 14]);

function isTemporalUnreachable(error: Error): boolean {
  const grpc = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpc) && UNREACHABLE_GRPC_CODES.has(grpc.code);
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  // Only unexpected failures are logged with their stack; the request serializer never includes headers or bodies.
  if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  void reply.code(apiError.statusCode).send(apiError.toBody());
}
