import { z } from 'zod';
import { BODY_LIMIT_BYTES } from './limits.js';
import { ROUTES, type RouteSpec } from './routes/catalog.js';
import { NAMED_SCHEMAS } from './schemas.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiOptions {
  /** Where the API is served, for the `servers` list. */
  serverUrl?: string;
}

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Converts the named schemas in one pass over a registry, so each becomes one entry of `components.schemas` and
 * every use of it (recursive JSON values included) is a `$ref`.
 */
function componentSchemas(): { components: Record<string, JsonSchema>; refTo: (schema: z.ZodType) => JsonSchema } {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of NAMED_SCHEMAS) registry.add(schema, { id });
  // `input`: the document describes what a client may send, so fields with defaults are optional.
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `${COMPONENT_PREFIX}${id}`, io: 'input', target: 'draft-2020-12' });
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Each component is embedded in the document, not a standalone JSON Schema resource.
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    components[id] = rest;
  }
  return {
    components,
    refTo(schema) {
      const id = registry.get(schema)?.id;
      if (!id) throw new Error('a route uses a schema missing from NAMED_SCHEMAS (api/schemas.ts)');
      return { $ref: `${COMPONENT_PREFIX}${id}` };
    },
  };
}

function operation(route: RouteSpec, refTo: (schema: z.ZodType) => JsonSchema) {
  const parameters: Array<Record<string, unknown>> = Object.entries(route.params?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    ...(schema.description ? { description: schema.description } : {}),
    schema: refTo(schema),
  }));
  if (route.query) {
    // The query object is a named component; each of its properties becomes one `in: query` parameter.
    const properties = (z.toJSONSchema(route.query, { io: 'input', target: 'draft-2020-12' }).properties ?? {}) as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(route.query.shape)) {
      const { description, ...rest } = properties[name] ?? {};
      parameters.push({ name, in: 'query', required: !schema.safeParse(undefined).success, ...(typeof description === 'string' ? { description } : {}), schema: rest });
    }
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    // Either header carries the key; `security: []` marks the routes that need none.
    security: route.permission ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : [],
    ...(route.permission ? { 'x-ants-permission': route.permission } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: refTo(route.body) } } } } : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        { description: response.description, content: { 'application/json': { schema: refTo(response.schema) } } },
      ]),
    ),
  };
}

/** The OpenAPI 3.1 document of the API, generated from the route table and its zod schemas. */
export function openApiDocument(options: OpenApiOptions = {}) {
  const { components, refTo } = componentSchemas();
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of Object.values(ROUTES) as RouteSpec[]) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, refTo) };
  }
  return {
    openapi: '3.1.0' as const,
    info: {
      title: 'ANTS API',
      version: '1',
      description:
        `Submit tasks to the ANTS swarm, follow them and decide their approvals. Bodies are JSON of at most ${BODY_LIMIT_BYTES / 1024} KiB; ` +
        'every error answers { "error": { "code", "message", "field"? } }.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer ants_<keyId>_<secret>' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same key, for clients that cannot set Authorization' },
      },
    },
  };
}
