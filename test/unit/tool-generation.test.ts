import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../activities/tools/sandbox/sandbox.js';
import type { SandboxResult } from '../../activities/tools/sandbox/types.js';
import type { DiscoveredApi } from '../../core/tools/discovered-api.js';
import { generateTool } from '../../core/tools/generate.js';
import { normaliseSpec } from '../../core/tools/spec-normalise.js';
import { validateToolCode } from '../../core/tools/validation.js';

const SPEC_URL = 'http://127.0.0.1:4010/openapi.json';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/apis/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

async function apiFrom(name: string): Promise<DiscoveredApi> {
  const document = await SwaggerParser.validate(fixture(name) as unknown as Parameters<typeof SwaggerParser.validate>[0], { resolve: { external: false, file: false, http: false } });
  return normaliseSpec(document, { specUrl: SPEC_URL });
}

let openapi: DiscoveredApi;
let swagger: DiscoveredApi;

beforeAll(async () => {
  openapi = await apiFrom('payments-openapi3.json');
  swagger = await apiFrom('payments-swagger2.json');
});

describe('generateTool: what it produces', () => {
  it('writes code that passes validateToolCode for every operation of every fixture', () => {
    for (const api of [openapi, swagger]) {
      expect(api.operations.length).toBeGreaterThan(5);
      for (const operation of api.operations) {
        for (const secretName of [undefined, 'payments-demo']) {
          const tool = generateTool(api, operation.operationId, secretName ? { secretName } : {});
          const validated = validateToolCode(tool.code, { entry: tool.entry });
          expect(validated.ok ? [] : validated.problems, `${api.source} ${operation.operationId}`).toEqual([]);
          expect(validated).toMatchObject({ ok: true, usesNetwork: true });
        }
      }
    }
  });

  it('names, grants and describes the tool', () => {
    const tool = generateTool(openapi, 'listCustomers', { secretName: 'payments-demo' });
    expect(tool).toMatchObject({
      name: 'payments-demo.listCustomers',
      entry: 'main',
      allowedHosts: ['http://127.0.0.1:4010'],
      level: 'RESTRICTED',
      operationId: 'listCustomers',
      api: 'payments-demo',
      description: 'List customers, newest first (Payments Demo: GET /customers)',
    });
    expect(generateTool(openapi, 'listCustomers', { toolName: 'billing.customers' }).name).toBe('billing.customers');
    expect(() => generateTool(openapi, 'noSuchOperation', {})).toThrow(/has no operation noSuchOperation/);
  });

  it('is deterministic: the same operation gives the same tool, and both spec formats give the same code', () => {
    for (const operation of openapi.operations) {
      const first = generateTool(openapi, operation.operationId, { secretName: 's' });
      expect(generateTool(openapi, operation.operationId, { secretName: 's' })).toEqual(first);
      expect(generateTool(swagger, operation.operationId, { secretName: 's' })).toEqual(first);
    }
  });

  it('passes the secret name as auth only when the API declares auth and a secret is given', () => {
    expect(generateTool(openapi, 'listCharges', { secretName: 'payments-demo' }).code).toContain('"auth": "payments-demo"');
    expect(generateTool(openapi, 'listCharges', {}).code).toContain('"auth": null');
    const open = { ...openapi, auth: { type: 'none' as const } };
    expect(generateTool(open, 'listCharges', { secretName: 'payments-demo' }).code).toContain('"auth": null');
  });
});

describe('generateTool: input schemas', () => {
  it('a paginated list: query parameters plus all/maxPages, nothing required', () => {
    expect(generateTool(openapi, 'listCustomers', {}).inputSchema).toEqual({
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'query parameter' },
        starting_after: { type: 'string', description: 'Cursor: the id of the last object of the previous page. (query parameter)' },
        email: { type: 'string', format: 'email', description: 'query parameter' },
        all: { type: 'boolean', description: 'follow the pages and return { data, pages } with every item' },
        maxPages: { type: 'integer', minimum: 1, maximum: 100, description: 'stop after this many pages (default 20); implies all' },
      },
      additionalProperties: false,
    });
  });

  it('a read: the path parameter is required', () => {
    expect(generateTool(openapi, 'retrieveCustomer', {}).inputSchema).toEqual({
      type: 'object',
      properties: { customer: { type: 'string', description: 'path parameter' } },
      required: ['customer'],
      additionalProperties: false,
    });
  });

  it('a create: the body schema under `body`, required, and header parameters as inputs', () => {
    const schema = generateTool(openapi, 'createPaymentIntent', {}).inputSchema;
    expect(schema.required).toEqual(['body']);
    expect(schema.properties).toEqual({
      'Idempotency-Key': { type: 'string', description: 'header parameter' },
      body: {
        type: 'object',
        required: ['amount', 'currency'],
        properties: { amount: { type: 'integer', minimum: 1 }, currency: { type: 'string' }, customer: { type: 'string' } },
        description: 'request body (application/json)',
      },
    });
  });

  it('never asks for credentials: the API key parameter and Authorization headers are left out', () => {
    const keyed: DiscoveredApi = {
      ...openapi,
      auth: { type: 'apiKey', in: 'query', name: 'api_key' },
      operations: [
        {
          operationId: 'search',
          method: 'get',
          path: '/search',
          parameters: [
            { name: 'api_key', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'Authorization', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'q', in: 'query', required: true, schema: { type: 'string' } },
          ],
        },
      ],
    };
    const tool = generateTool(keyed, 'search', { secretName: 'search-key' });
    expect(Object.keys(tool.inputSchema.properties as object)).toEqual(['q']);
    expect(tool.inputSchema.required).toEqual(['q']);
    expect(tool.code).not.toContain('api_key');
  });
});

/*
 * Execution in the real sandbox. The guest's `http` is a scripted stand-in defined in
 * guest code around the generated script, so these tests prove the generated code
 * runs in QuickJS (async entry, pagination, errors) without any network.
 */
interface ScriptedReply {
  status?: number;
  body?: unknown;
  error?: { code: string; message: string };
}

interface GuestRun {
  output?: unknown;
  error?: string;
  calls: Array<Record<string, unknown>>;
}

function harnessAround(script: string): string {
  return `
function main(wrapped) {
  const calls = [];
  const replies = wrapped.replies;
  const http = {
    request: function (request) {
      calls.push(JSON.parse(JSON.stringify(request)));
      const reply = replies[Math.min(calls.length - 1, replies.length - 1)];
      if (reply.error) {
        const error = new Error(reply.error.message);
        error.code = reply.error.code;
        return Promise.reject(error);
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      return Promise.resolve({ status: reply.status, headers: {}, body: text, json: function () { return JSON.parse(text); } });
    },
  };
  const tool = (function (http) {
${script}
    return main;
  })(http);
  return tool(wrapped.input).then(
    function (output) { return { output: output === undefined ? null : output, calls: calls }; },
    function (error) { return { error: String(error && error.message), calls: calls }; }
  );
}`;
}

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = createSandbox({ threads: 1 });
});
afterAll(async () => {
  await sandbox.close();
});

async function runGenerated(api: DiscoveredApi, operationId: string, input: unknown, replies: ScriptedReply[], secretName?: string): Promise<GuestRun> {
  const tool = generateTool(api, operationId, secretName ? { secretName } : {});
  const validated = validateToolCode(tool.code, { entry: tool.entry });
  if (!validated.ok) throw new Error(`generated code does not validate: ${JSON.stringify(validated.problems)}`);
  const result: SandboxResult = await sandbox.run({ code: harnessAround(validated.script), input: { input, replies }, level: 'RESTRICTED' });
  if (!result.ok) throw new Error(`sandbox ${result.error.code}: ${result.error.message}`);
  return result.output as GuestRun;
}

describe('generated tools run in the sandbox', () => {
  it('a list call: method, URL, query, auth; returns the parsed JSON', async () => {
    const page = { object: 'list', data: [{ id: 'cus_1' }], has_more: false };
    const run = await runGenerated(openapi, 'listCustomers', { limit: 2, email: 'a@example.com' }, [{ status: 200, body: page }], 'payments-demo');
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual(page);
    expect(run.calls).toEqual([
      { method: 'GET', url: 'http://127.0.0.1:4010/v1/customers', headers: {}, query: { limit: 2, email: 'a@example.com' }, auth: 'payments-demo' },
    ]);
  });

  it('all: true follows the starting_after cursor until has_more is false and concatenates the items', async () => {
    const replies = [
      { status: 200, body: { object: 'list', data: [{ id: 'cus_1' }, { id: 'cus_2' }], has_more: true } },
      { status: 200, body: { object: 'list', data: [{ id: 'cus_3' }], has_more: false } },
    ];
    const run = await runGenerated(openapi, 'listCustomers', { all: true, limit: 2 }, replies);
    expect(run.output).toEqual({ data: [{ id: 'cus_1' }, { id: 'cus_2' }, { id: 'cus_3' }], pages: 2 });
    expect(run.calls.map((call) => call.query)).toEqual([{ limit: 2 }, { limit: 2, starting_after: 'cus_2' }]);
  });

  it('maxPages stops following pages', async () => {
    const endless = [{ status: 200, body: { data: [{ id: 'x' }], has_more: true } }];
    const run = await runGenerated(openapi, 'listCharges', { maxPages: 3 }, endless);
    expect(run.output).toMatchObject({ pages: 3 });
    expect(run.calls).toHaveLength(3);
  });

  it('path parameters are URL-encoded; bodies are sent as given', async () => {
    const read = await runGenerated(openapi, 'retrieveCustomer', { customer: 'cus 1/../x' }, [{ status: 200, body: { id: 'cus 1/../x' } }]);
    expect(read.calls[0]?.url).toBe('http://127.0.0.1:4010/v1/customers/cus%201%2F..%2Fx');
    const created = await runGenerated(openapi, 'createCharge', { body: { amount: 500, currency: 'eur' } }, [{ status: 201, body: { id: 'ch_1' } }]);
    expect(created.output).toEqual({ id: 'ch_1' });
    expect(created.calls[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:4010/v1/charges', body: { amount: 500, currency: 'eur' } });
  });

  it('fails clearly: missing required input, HTTP errors with a clipped body, network errors with their code', async () => {
    const missing = await runGenerated(openapi, 'retrieveCustomer', {}, [{ status: 200, body: {} }]);
    expect(missing.error).toBe('payments-demo.retrieveCustomer: missing required input "customer"');
    expect(missing.calls).toEqual([]);

    const notFound = await runGenerated(openapi, 'retrieveCustomer', { customer: 'nope' }, [{ status: 404, body: { error: { message: 'No such customer', detail: 'x'.repeat(1000) } } }]);
    expect(notFound.error).toMatch(/^payments-demo\.retrieveCustomer: GET \/customers\/\{customer\} answered HTTP 404: \{"error":\{"message":"No such customer"/);
    expect(notFound.error?.length).toBeLessThan(450);

    const refused = await runGenerated(openapi, 'listCharges', {}, [{ error: { code: 'HOST_NOT_ALLOWED', message: 'origin not allowed' } }]);
    expect(refused.error).toBe('payments-demo.listCharges: GET /charges could not be completed [HOST_NOT_ALLOWED]: origin not allowed');
  });
});

describe('generated tools: other paging styles and form bodies', () => {
  const base = (operation: DiscoveredApi['operations'][number]): DiscoveredApi => ({
    name: 'shop',
    title: 'Shop',
    version: '1',
    source: 'openapi3',
    baseUrl: 'https://shop.example/api',
    auth: { type: 'none' },
    operations: [operation],
    confidence: 0.9,
    prioritized: [operation.operationId],
  });

  it('page/per_page: counts pages up and stops on a short page', async () => {
    const api = base({
      operationId: 'listOrders',
      method: 'get',
      path: '/orders',
      parameters: [
        { name: 'page', in: 'query', required: false, schema: { type: 'integer' } },
        { name: 'per_page', in: 'query', required: false, schema: { type: 'integer' } },
      ],
      pagination: { style: 'page', pageParam: 'page', perPageParam: 'per_page', itemsField: 'items' },
    });
    const replies = [{ status: 200, body: { items: [1, 2] } }, { status: 200, body: { items: [3, 4] } }, { status: 200, body: { items: [5] } }];
    const run = await runGenerated(api, 'listOrders', { all: true, per_page: 2 }, replies);
    expect(run.output).toEqual({ data: [1, 2, 3, 4, 5], pages: 3 });
    expect(run.calls.map((call) => call.query)).toEqual([{ per_page: 2 }, { per_page: 2, page: 2 }, { per_page: 2, page: 3 }]);
  });

  it('offset/limit: advances by the items received and stops at the total', async () => {
    const api = base({
      operationId: 'listOrders',
      method: 'get',
      path: '/orders',
      parameters: [
        { name: 'offset', in: 'query', required: false, schema: { type: 'integer' } },
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
      ],
      pagination: { style: 'offset', offsetParam: 'offset', limitParam: 'limit', itemsField: 'results', totalField: 'total' },
    });
    const replies = [{ status: 200, body: { results: ['a', 'b'], total: 3 } }, { status: 200, body: { results: ['c'], total: 3 } }];
    const run = await runGenerated(api, 'listOrders', { all: true, limit: 2 }, replies);
    expect(run.output).toEqual({ data: ['a', 'b', 'c'], pages: 2 });
    expect(run.calls.map((call) => call.query)).toEqual([{ limit: 2 }, { limit: 2, offset: 2 }]);
  });

  it('form bodies are URL-encoded with their content type', async () => {
    const api = base({
      operationId: 'createOrder',
      method: 'post',
      path: '/orders',
      parameters: [],
      requestBody: { required: true, contentType: 'application/x-www-form-urlencoded', schema: { type: 'object' } },
    });
    const run = await runGenerated(api, 'createOrder', { body: { sku: 'A 1', qty: 2, meta: { gift: true } } }, [{ status: 201, body: { id: 'o1' } }]);
    expect(run.output).toEqual({ id: 'o1' });
    expect(run.calls[0]).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sku=A%201&qty=2&meta=%7B%22gift%22%3Atrue%7D',
    });
  });

  it('path placeholders the description forgot to declare become required inputs', async () => {
    const api = base({ operationId: 'getLine', method: 'get', path: '/orders/{order}/lines/{line}', parameters: [{ name: 'order', in: 'path', required: true, schema: { type: 'string' } }] });
    const tool = generateTool(api, 'getLine', {});
    expect(tool.inputSchema.required).toEqual(['order', 'line']);
    const run = await runGenerated(api, 'getLine', { order: 'o1', line: 7 }, [{ status: 200, body: { ok: true } }]);
    expect(run.calls[0]?.url).toBe('https://shop.example/api/orders/o1/lines/7');
  });

  it('an empty 204 answer returns null', async () => {
    const api = base({ operationId: 'deleteOrder', method: 'delete', path: '/orders/{id}', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] });
    const run = await runGenerated(api, 'deleteOrder', { id: 'o1' }, [{ status: 204, body: '' }]);
    expect(run).toMatchObject({ output: null, calls: [{ method: 'DELETE', url: 'https://shop.example/api/orders/o1' }] });
  });
});
