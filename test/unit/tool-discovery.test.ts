import { describe, expect, it } from 'vitest';
import { apiNameFrom, deriveOperationId, normaliseOperationId, type Operation, type OperationParameter } from '../../core/tools/discovered-api.js';
import { detectPagination } from '../../core/tools/pagination.js';
import { prioritizeOperations, probeConfidence, specConfidence } from '../../core/tools/prioritize.js';
import { authFromAnswers, linkedPaths } from '../../core/tools/probe-results.js';
import { inferJsonSchema } from '../../core/tools/schema-inference.js';
import { normaliseSpec } from '../../core/tools/spec-normalise.js';
import { toJsonSchema } from '../../core/tools/spec-schemas.js';

function query(...names: string[]): OperationParameter[] {
  return names.map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
}

describe('inferJsonSchema', () => {
  it('describes types, and merges integers into numbers', () => {
    expect(inferJsonSchema([])).toEqual({});
    expect(inferJsonSchema([1, 2])).toEqual({ type: 'integer' });
    expect(inferJsonSchema([1, 2.5])).toEqual({ type: 'number' });
    expect(inferJsonSchema([true])).toEqual({ type: 'boolean' });
    expect(inferJsonSchema(['a', null])).toEqual({ type: ['string', 'null'] });
    expect(inferJsonSchema([{ a: 1 }, 'text'])).toEqual({ anyOf: [{ type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, { type: 'string' }] });
  });

  it('requires only the keys every sample has, and merges array items', () => {
    expect(inferJsonSchema([{ id: 1, name: 'a' }, { id: 2 }])).toEqual({
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
      required: ['id'],
    });
    expect(inferJsonSchema([[{ id: 1 }], [{ id: 2, extra: true }], []])).toEqual({
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, extra: { type: 'boolean' } }, required: ['id'] },
    });
    expect(inferJsonSchema([[]])).toEqual({ type: 'array' });
  });

  it('names a format only when every value matches it', () => {
    expect(inferJsonSchema(['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123+02:00'])).toEqual({ type: 'string', format: 'date-time' });
    expect(inferJsonSchema(['2024-01-02'])).toEqual({ type: 'string', format: 'date' });
    expect(inferJsonSchema(['a@example.com', 'b@example.org'])).toEqual({ type: 'string', format: 'email' });
    expect(inferJsonSchema(['https://example.com/a'])).toEqual({ type: 'string', format: 'uri' });
    expect(inferJsonSchema(['0f8fad5b-d9cb-469f-a165-70867728950e'])).toEqual({ type: 'string', format: 'uuid' });
    expect(inferJsonSchema(['a@example.com', 'not an email'])).toEqual({ type: 'string' });
  });

  it('gives an enum only for small sets of strings that repeat', () => {
    expect(inferJsonSchema(['open', 'closed', 'open', 'closed', 'open'])).toEqual({ type: 'string', enum: ['closed', 'open'] });
    expect(inferJsonSchema(['open', 'closed'])).toEqual({ type: 'string' });
    expect(inferJsonSchema(['a', 'b', 'c', 'd', 'e', 'f'])).toEqual({ type: 'string' });
  });

  it('stays bounded on deep input', () => {
    let deep: unknown = 1;
    for (let index = 0; index < 50; index++) deep = { next: deep };
    expect(JSON.stringify(inferJsonSchema([deep])).length).toBeLessThan(2000);
  });
});

describe('detectPagination', () => {
  const page = (extra: Record<string, unknown>) => ({ type: 'object', properties: { data: { type: 'array', items: {} }, ...extra } });

  it('cursor by last id: starting_after + has_more', () => {
    expect(detectPagination('get', query('limit', 'starting_after'), page({ has_more: { type: 'boolean' } }))).toEqual({
      style: 'cursor', limitParam: 'limit', cursorParam: 'starting_after', itemsField: 'data', hasMoreField: 'has_more', cursorItemField: 'id',
    });
  });

  it('cursor token: cursor + next_cursor', () => {
    expect(detectPagination('get', query('cursor', 'page_size'), page({ next_cursor: { type: 'string' } }))).toEqual({
      style: 'cursor', cursorParam: 'cursor', limitParam: 'page_size', itemsField: 'data', nextCursorField: 'next_cursor',
    });
  });

  it('page/per_page and offset/limit', () => {
    expect(detectPagination('get', query('page', 'per_page'), page({ total: { type: 'integer' } }))).toEqual({ style: 'page', pageParam: 'page', perPageParam: 'per_page', itemsField: 'data', totalField: 'total' });
    expect(detectPagination('get', query('offset', 'limit'), { type: 'object', properties: { results: { type: 'array' } } })).toEqual({ style: 'offset', offsetParam: 'offset', limitParam: 'limit', itemsField: 'results' });
  });

  it('nothing when the description does not show how to continue', () => {
    expect(detectPagination('get', query('cursor'), page({}))).toBeUndefined();
    expect(detectPagination('get', query('limit'), page({ has_more: { type: 'boolean' } }))).toBeUndefined();
    expect(detectPagination('post', query('limit', 'starting_after'), page({ has_more: { type: 'boolean' } }))).toBeUndefined();
  });
});

describe('prioritizeOperations and confidence', () => {
  const op = (operationId: string, method: Operation['method'], path: string, extra: Partial<Operation> = {}): Operation => ({ operationId, method, path, parameters: [], ...extra });
  const pathParam: OperationParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

  it('lists first, then reads, creates, updates, deletes; schemas and fewer required parameters win ties', () => {
    const operations = [
      op('deleteThing', 'delete', '/things/{id}', { parameters: [pathParam] }),
      op('updateThing', 'patch', '/things/{id}', { parameters: [pathParam] }),
      op('createThing', 'post', '/things', { responseSchema: { type: 'object' } }),
      op('getThing', 'get', '/things/{id}', { parameters: [pathParam], responseSchema: { type: 'object' } }),
      op('listThings', 'get', '/things', { responseSchema: { type: 'object' } }),
      op('listOthers', 'get', '/others'),
    ];
    expect(prioritizeOperations(operations)).toEqual(['listThings', 'listOthers', 'getThing', 'createThing', 'updateThing', 'deleteThing']);
  });

  it('confidence: documents 0.8..0.95 by response schemas; probes 0.4..0.7 by coverage', () => {
    expect(specConfidence([op('a', 'get', '/a', { responseSchema: {} })])).toBe(0.95);
    expect(specConfidence([op('a', 'get', '/a', { responseSchema: {} }), op('b', 'get', '/b')])).toBe(0.88);
    expect(specConfidence([])).toBe(0.5);
    expect(probeConfidence(4, 4)).toBe(0.7);
    expect(probeConfidence(4, 2)).toBe(0.55);
    expect(probeConfidence(3, 0)).toBe(0.4);
  });
});

describe('names and ids', () => {
  it('derives stable operation ids and API names usable in tool names', () => {
    expect(deriveOperationId('GET', '/v1/customers/{customer}/sources')).toBe('get_v1_customers_customer_sources');
    expect(deriveOperationId('post', '/')).toBe('post');
    expect(normaliseOperationId('listCustomers', 'get', '/c')).toBe('listCustomers');
    expect(normaliseOperationId('customers/list', 'get', '/c')).toBe('customers_list');
    expect(normaliseOperationId('123', 'get', '/c')).toBe('get_c');
    expect(apiNameFrom('Payments Demo API (v2)')).toBe('payments-demo-api-v2');
    expect(apiNameFrom('127.0.0.1')).toBe('api');
  });
});

describe('normaliseSpec details', () => {
  const info = { title: 'Shop', version: '1' };

  it('derives missing ids, keeps duplicate ids unique, resolves server variables, and reads apiKey auth', () => {
    const api = normaliseSpec({
      openapi: '3.0.3',
      info,
      servers: [{ url: 'https://{region}.shop.example/{base}', variables: { region: { default: 'eu' }, base: { default: 'api' } } }],
      components: { securitySchemes: { key: { type: 'apiKey', in: 'query', name: 'api_key' } } },
      paths: {
        '/items': { get: { responses: { '200': { description: 'ok' } } }, post: { operationId: 'dup', responses: { '201': { description: 'ok' } } } },
        '/items/{id}': { put: { operationId: 'dup', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } },
      },
    });
    expect(api.baseUrl).toBe('https://eu.shop.example/api');
    expect(api.auth).toEqual({ type: 'apiKey', in: 'query', name: 'api_key' });
    expect(api.operations.map((operation) => operation.operationId)).toEqual(['get_items', 'dup', 'dup_2']);
    expect(api.confidence).toBe(0.8);
  });

  it('Swagger 2: host, scheme, basic auth, form fields as a request body', () => {
    const api = normaliseSpec({
      swagger: '2.0',
      info,
      host: 'shop.example:8443',
      basePath: '/v2',
      schemes: ['http', 'https'],
      securityDefinitions: { basic: { type: 'basic' } },
      paths: {
        '/orders': {
          post: {
            operationId: 'createOrder',
            consumes: ['application/x-www-form-urlencoded'],
            parameters: [
              { name: 'sku', in: 'formData', type: 'string', required: true },
              { name: 'qty', in: 'formData', type: 'integer' },
            ],
            responses: { '201': { description: 'created' } },
          },
        },
      },
    });
    expect(api).toMatchObject({ source: 'swagger2', baseUrl: 'https://shop.example:8443/v2', auth: { type: 'basic' } });
    expect(api.operations[0]?.requestBody).toEqual({
      required: true,
      contentType: 'application/x-www-form-urlencoded',
      schema: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku'] },
    });
  });

  it('copies circular (dereferenced) schemas as plain, finite JSON', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).children = { type: 'array', items: node };
    const api = normaliseSpec({
      openapi: '3.0.3',
      info,
      servers: [{ url: 'https://shop.example' }],
      paths: { '/tree': { get: { operationId: 'tree', responses: { '200': { description: 'ok', content: { 'application/json': { schema: node } } } } } } },
    });
    const schema = api.operations[0]?.responseSchema;
    expect(JSON.parse(JSON.stringify(schema))).toEqual({
      type: 'object',
      properties: { children: { type: 'array', items: { description: 'recursive schema (not expanded)' } } },
    });
  });

  it('keeps documented request and response examples', () => {
    const api = normaliseSpec({
      openapi: '3.0.3',
      info,
      servers: [{ url: 'https://shop.example' }],
      paths: {
        '/orders': {
          post: {
            operationId: 'createOrder',
            requestBody: { content: { 'application/json': { schema: { type: 'object' }, examples: { small: { value: { sku: 'A1' } } } } } },
            responses: { '201': { description: 'ok', content: { 'application/json': { schema: { type: 'object' }, example: { id: 'o1' } } } } },
          },
        },
      },
    });
    expect(api.operations[0]?.examples).toEqual({ request: { sku: 'A1' }, response: { id: 'o1' } });
    expect(api.operations[0]?.requestBody).toEqual({ required: false, schema: { type: 'object' }, contentType: 'application/json' });
  });

  it('refuses documents that are neither OpenAPI 3 nor Swagger 2', () => {
    expect(() => normaliseSpec({ openapi: '2.5', info, paths: {} })).toThrow(/neither OpenAPI 3.x nor Swagger 2.0/);
    expect(() => normaliseSpec('text')).toThrow(/not a JSON\/YAML object/);
  });
});

describe('probing helpers', () => {
  it('finds linked paths under the base URL only', () => {
    const index = { customers_url: '/v1/customers', _links: { self: { href: 'https://api.example/v1' }, charges: { href: 'https://api.example/v1/charges?limit=3' } }, other: 'https://elsewhere.example/v1/x', docs: '/docs', tpl: '/v1/items/{id}' };
    expect(linkedPaths(index, 'https://api.example/v1')).toEqual(['/customers', '/charges']);
    expect(linkedPaths(index, 'https://api.example')).toEqual(['/v1/customers', '/v1', '/v1/charges', '/docs']);
  });

  it('reads authentication from 401 challenges', () => {
    expect(authFromAnswers([{ path: '/', status: 200 }])).toEqual({ type: 'none' });
    expect(authFromAnswers([{ path: '/', status: 401, wwwAuthenticate: 'Basic realm="x"' }])).toEqual({ type: 'basic' });
    expect(authFromAnswers([{ path: '/', status: 401, wwwAuthenticate: 'Bearer' }])).toEqual({ type: 'bearer' });
    expect(authFromAnswers([{ path: '/', status: 403 }])).toEqual({ type: 'bearer' });
  });
});

describe('toJsonSchema', () => {
  it('rewrites OpenAPI-only keywords in schema positions and keeps properties of any name', () => {
    expect(
      toJsonSchema({
        type: 'object',
        xml: { name: 'x' },
        properties: {
          example: { type: 'string', nullable: true, example: 'abc' },
          nullable: { type: 'array', items: { type: 'integer', nullable: true } },
          upload: { type: 'file' },
        },
        anyOf: [{ type: 'object', discriminator: { propertyName: 'kind' } }],
        additionalProperties: { type: 'string', collectionFormat: 'csv' },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        example: { type: ['string', 'null'], examples: ['abc'] },
        nullable: { type: 'array', items: { type: ['integer', 'null'] } },
        upload: { type: 'string' },
      },
      anyOf: [{ type: 'object' }],
      additionalProperties: { type: 'string' },
    });
  });
});
