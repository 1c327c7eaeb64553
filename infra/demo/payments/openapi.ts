import { z } from 'zod';
import { OPERATIONS, type OperationSpec } from './operations.js';
import { NAMED_SCHEMAS } from './schemas.js';
import { PaymentsStore } from './store.js';

type JsonObject = Record<string, unknown>;

const COMPONENT_PREFIX = '#/components/schemas/';
const ERROR_REF = { $ref: `${COMPONENT_PREFIX}Error` };

export interface DemoOpenApiOptions {
  /** The seed the server runs on; the list examples are its first page. */
  seed?: number;
  /** Where the demo is served, for `servers`. */
  serverUrl?: string;
}

/** Named zod schemas as `components.schemas`, each use of one becoming a `$ref`. */
function componentSchemas(): { schemas: Record<string, JsonObject>; refTo: (schema: z.ZodType) => JsonObject } {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of NAMED_SCHEMAS) registry.add(schema, { id });
  // `input`: request bodies describe what a client may send, so fields with defaults are optional.
  const { schemas: converted } = z.toJSONSchema(registry, { uri: (id) => `${COMPONENT_PREFIX}${id}`, io: 'input', target: 'openapi-3.0' });
  const schemas: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(converted)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    schemas[id] = rest;
  }
  return {
    schemas,
    refTo(schema) {
      const id = registry.get(schema)?.id;
      if (!id) throw new Error('an operation uses a schema missing from NAMED_SCHEMAS');
      return { $ref: `${COMPONENT_PREFIX}${id}` };
    },
  };
}

function parameterSchema(schema: z.ZodType): { schema: JsonObject; description?: string } {
  const { description, $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0' }) as JsonObject;
  return { schema: rest, ...(typeof description === 'string' ? { description } : {}) };
}

function parameters(operation: OperationSpec): JsonObject[] {
  const list: JsonObject[] = [];
  if (operation.idOf) list.push({ name: 'id', in: 'path', required: true, description: `The ${operation.idOf}'s id.`, schema: { type: 'string' } });
  for (const [name, schema] of Object.entries(operation.query?.shape ?? {}) as Array<[string, z.ZodType]>) {
    list.push({ name, in: 'query', required: !schema.safeParse(undefined).success, ...parameterSchema(schema) });
  }
  if (operation.idempotencyKey) {
    list.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: operation.idempotencyKey === 'required',
      description: 'A key you choose per write (a UUID works); sending it again returns the first result. A key reused for a different request is refused.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return list;
}

function listExample(operation: OperationSpec, store: PaymentsStore): JsonObject | undefined {
  const page = { limit: 2 };
  const first =
    operation.operationId === 'listCustomers' ? store.listCustomers(page) : operation.operationId === 'listCharges' ? store.listCharges(page) : operation.operationId === 'listPaymentIntents' ? store.listPaymentIntents(page) : undefined;
  return first && { firstPage: { summary: `GET ${operation.path}?limit=2 on the seeded data`, value: first } };
}

function operationObject(operation: OperationSpec, refTo: (schema: z.ZodType) => JsonObject, store: PaymentsStore): JsonObject {
  const params = parameters(operation);
  const examples = operation.listExample ? listExample(operation, store) : undefined;
  const errors: Record<string, JsonObject> = { '400': { $ref: '#/components/responses/BadRequest' }, '401': { $ref: '#/components/responses/Unauthorized' } };
  if (operation.idOf) errors['404'] = { $ref: '#/components/responses/NotFound' };
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: refTo(operation.body) } } } } : {}),
    responses: {
      [String(operation.success.status)]: {
        description: operation.success.description,
        content: { 'application/json': { schema: refTo(operation.success.schema), ...(examples ? { examples } : {}) } },
      },
      ...errors,
    },
  };
}

/** The demo payments API's OpenAPI 3.0 document, written from the operation table and its zod schemas. */
export function paymentsOpenApiDocument(options: DemoOpenApiOptions = {}): JsonObject {
  const { schemas, refTo } = componentSchemas();
  const store = new PaymentsStore(options.seed);
  const paths: Record<string, Record<string, JsonObject>> = {
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness; needs no key',
        security: [],
        responses: { '200': { description: 'Up', content: { 'application/json': { schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } } } } },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document; needs no key',
        security: [],
        responses: { '200': { description: 'The OpenAPI 3.0 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
  for (const operation of OPERATIONS as readonly OperationSpec[]) {
    paths[operation.path] = { ...paths[operation.path], [operation.method.toLowerCase()]: operationObject(operation, refTo, store) };
  }
  const errorResponse = (description: string, headers?: JsonObject) => ({ description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: ERROR_REF } } });
  return {
    openapi: '3.0.3',
    info: {
      title: 'ANTS demo payments API',
      version: '1.0.0',
      description:
        'A small Stripe-like payments API that ships with ANTS so integrations can be built and tested offline. Data lives in memory and is ' +
        'the same seeded set on every start. Amounts are integers in minor units. Lists are newest first and paginate with `limit` and ' +
        '`starting_after` (the last id of the previous page) until `has_more` is false. Writes accept (charges require) an Idempotency-Key header. ' +
        'Every error answers `{ "error": { "type", "message", "param"? } }`.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <ANTS_DEMO_API_KEY>' } },
      responses: {
        BadRequest: errorResponse('The request was refused; `param` names the field at fault'),
        Unauthorized: errorResponse('Missing or wrong API key', { 'WWW-Authenticate': { description: 'Always `Bearer`', schema: { type: 'string' } } }),
        NotFound: errorResponse('No object with that id'),
      },
    },
  };
}
