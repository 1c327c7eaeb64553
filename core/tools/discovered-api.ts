/**
 * What API discovery produces, whatever the source (an OpenAPI 3 document, a Swagger 2
 * document, or probing a live base URL): one normalised shape the tool generator reads.
 * Plain JSON throughout, so it travels in workflow payloads unchanged.
 */
import { z } from 'zod';
import type { JsonObject, JsonValue } from '../tasks/json.js';

const jsonObject = z.record(z.string(), z.json()) as z.ZodType<JsonObject>;
const jsonValue = z.json() as z.ZodType<JsonValue>;

export const API_SOURCES = ['openapi3', 'swagger2', 'probe'] as const;
export const AUTH_TYPES = ['none', 'bearer', 'apiKey', 'basic', 'oauth2'] as const;
export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const apiAuthSchema = z
  .object({
    type: z.enum(AUTH_TYPES),
    /** For apiKey: where the key goes. */
    in: z.enum(['header', 'query']).optional(),
    /** For apiKey: the header or query parameter name. */
    name: z.string().min(1).max(200).optional(),
  })
  .strict();
export type ApiAuth = z.infer<typeof apiAuthSchema>;

export const parameterSchema = z
  .object({
    name: z.string().min(1).max(200),
    in: z.enum(['path', 'query', 'header']),
    required: z.boolean(),
    schema: jsonObject,
    description: z.string().max(2000).optional(),
  })
  .strict();
export type OperationParameter = z.infer<typeof parameterSchema>;

/**
 * How a list operation pages, and which request parameters / response fields that uses:
 * - cursor: send `cursorParam`; the next cursor is the response's `nextCursorField`, or,
 *   when the API pages by "the last id seen" (`starting_after`), the `cursorItemField`
 *   of the last item; `hasMoreField` says whether another page exists.
 * - page: `pageParam` counts up from 1 (`perPageParam` sets the size).
 * - offset: `offsetParam` advances by the number of items received.
 * `itemsField` is the response field that holds the page's items.
 */
export const paginationSchema = z
  .object({
    style: z.enum(['cursor', 'page', 'offset']),
    limitParam: z.string().optional(),
    cursorParam: z.string().optional(),
    pageParam: z.string().optional(),
    perPageParam: z.string().optional(),
    offsetParam: z.string().optional(),
    itemsField: z.string().optional(),
    hasMoreField: z.string().optional(),
    nextCursorField: z.string().optional(),
    cursorItemField: z.string().optional(),
    totalField: z.string().optional(),
  })
  .strict();
export type Pagination = z.infer<typeof paginationSchema>;

/** Letters, digits, `_` and `-`, starting with a letter: usable as the last segment of a tool name. */
export const OPERATION_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;

export const operationSchema = z
  .object({
    operationId: z.string().regex(OPERATION_ID_PATTERN),
    method: z.enum(HTTP_METHODS),
    /** Relative to baseUrl, with `{name}` placeholders for path parameters. */
    path: z.string().startsWith('/').max(2000),
    summary: z.string().max(2000).optional(),
    tags: z.array(z.string().max(200)).max(50).optional(),
    parameters: z.array(parameterSchema).max(200),
    requestBody: z.object({ required: z.boolean(), schema: jsonObject, contentType: z.string().optional() }).strict().optional(),
    responseSchema: jsonObject.optional(),
    /** The success status codes the source documents (e.g. ['200']). */
    responses: z.array(z.string()).optional(),
    pagination: paginationSchema.optional(),
    examples: z.object({ request: jsonValue.optional(), response: jsonValue.optional() }).strict().optional(),
  })
  .strict();
export type Operation = z.infer<typeof operationSchema>;

/** Lowercase, starting with a letter: the namespace segment of tool names (`<name>.<operationId>`). */
export const API_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,49}$/;

export const discoveredApiSchema = z
  .object({
    name: z.string().regex(API_NAME_PATTERN),
    title: z.string().max(500),
    version: z.string().max(100),
    source: z.enum(API_SOURCES),
    /** Absolute http(s) URL without a trailing slash; operation paths are appended to it. */
    baseUrl: z.string().url().max(2000),
    auth: apiAuthSchema,
    operations: z.array(operationSchema).max(1000),
    /** How much the description can be trusted to match the real API, 0..1. */
    confidence: z.number().min(0).max(1),
    /** Operation ids, most useful first (see prioritize.ts). */
    prioritized: z.array(z.string()),
  })
  .strict();
export type DiscoveredApi = z.infer<typeof discoveredApiSchema>;

/** A readable API name from a title or host: `Payments Demo API` → `payments-demo-api`. */
export function apiNameFrom(text: string): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return slug === '' ? 'api' : slug;
}

/**
 * A stable operation id from method and path, for sources that do not name operations:
 * `GET /v1/customers/{id}` → `get_v1_customers_id`. Stable means the same method and
 * path always give the same id, so tools generated before keep their names.
 */
export function deriveOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .map((segment) => segment.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter((segment) => segment !== '');
  return [method.toLowerCase(), ...words].join('_').slice(0, 100);
}

/** An operation id from a document made safe for tool names; ids that already are keep their spelling. */
export function normaliseOperationId(id: string | undefined, method: string, path: string): string {
  if (id !== undefined && OPERATION_ID_PATTERN.test(id)) return id;
  if (id !== undefined) {
    const cleaned = id.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[^A-Za-z]+/, '').slice(0, 100);
    if (OPERATION_ID_PATTERN.test(cleaned)) return cleaned;
  }
  return deriveOperationId(method, path);
}
