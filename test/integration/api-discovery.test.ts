import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverByProbing, discoverFromSpec } from '../../activities/capabilities/discovery.js';
import { createSandbox, type Sandbox } from '../../activities/tools/sandbox/sandbox.js';
import type { DiscoveredApi } from '../../core/tools/discovered-api.js';
import { generateTool } from '../../core/tools/generate.js';
import { validateToolCode } from '../../core/tools/validation.js';

const TOKEN = 'sk_test_discovery';

function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/apis/${name}`, import.meta.url), 'utf8');
}

const CUSTOMERS = Array.from({ length: 5 }, (_, index) => ({
  id: `cus_${index + 1}`,
  object: 'customer',
  email: `customer${index + 1}@example.com`,
  name: `Customer ${index + 1}`,
  created: 1_700_000_000 + index,
}));

const YAML_SPEC = `openapi: 3.0.3
info:
  title: Tiny YAML API
  version: "1"
servers:
  - url: /yaml
paths:
  /ping:
    get:
      operationId: ping
      responses:
        "200":
          description: pong
          content:
            application/json:
              schema: { type: object, properties: { ok: { type: boolean } } }
`;

let server: Server;
let origin: string;

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** The payments API itself (bearer token required), under /v1. */
async function paymentsApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    sendJson(response, 401, { error: { message: 'no valid API key' } }, { 'www-authenticate': 'Bearer realm="payments"' });
    return;
  }
  if (url.pathname === '/v1/customers' && request.method === 'GET') {
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const after = url.searchParams.get('starting_after');
    const start = after ? CUSTOMERS.findIndex((customer) => customer.id === after) + 1 : 0;
    const data = CUSTOMERS.slice(start, start + limit);
    sendJson(response, 200, { object: 'list', data, has_more: start + limit < CUSTOMERS.length });
    return;
  }
  const customer = /^\/v1\/customers\/([^/]+)$/.exec(url.pathname);
  if (customer && request.method === 'GET') {
    const found = CUSTOMERS.find((candidate) => candidate.id === decodeURIComponent(customer[1] ?? ''));
    if (found) sendJson(response, 200, found);
    else sendJson(response, 404, { error: { message: 'No such customer' } });
    return;
  }
  if (url.pathname === '/v1/charges' && request.method === 'POST') {
    const body = (await readBody(request)) as { amount: number; currency: string };
    sendJson(response, 201, { id: 'ch_1', object: 'charge', amount: body.amount, currency: body.currency, status: 'succeeded' });
    return;
  }
  sendJson(response, 404, { error: { message: 'unknown route' } });
}

/** An undocumented, open API for probing, under /open. */
function openApi(response: ServerResponse, url: URL): void {
  switch (url.pathname) {
    case '/open':
      sendJson(response, 200, { name: 'open demo', links: { customers: `${origin}/open/customers`, status: '/open/status' }, elsewhere: 'https://example.com/x' });
      return;
    case '/open/customers':
      sendJson(response, 200, { object: 'list', data: CUSTOMERS.slice(0, 4).map(({ id, email, created }, index) => ({ id, email, created, tier: index % 2 === 0 ? 'gold' : 'basic', since: '2024-01-0' + (index + 1) + 'T10:00:00Z' })), has_more: false });
      return;
    case '/open/status':
      sendJson(response, 200, { ok: true, version: '1.2.3' });
      return;
    case '/open/text':
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('not json');
      return;
    default:
      sendJson(response, 404, { error: 'not found' });
  }
}

async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', origin);
  const specs: Record<string, () => string> = {
    '/specs/openapi.json': () => fixtureText('payments-openapi3.json'),
    '/specs/swagger.json': () => fixtureText('payments-swagger2.json'),
    '/specs/invalid.json': () => fixtureText('invalid-openapi3.json'),
    '/specs/not-a-spec.json': () => JSON.stringify({ hello: 'world' }),
    '/specs/external-ref.json': () =>
      JSON.stringify({ openapi: '3.0.3', info: { title: 'Ext', version: '1' }, paths: { '/x': { get: { responses: { '200': { $ref: `${origin}/specs/fragment.json` } } } } } }),
    '/specs/fragment.json': () => JSON.stringify({ description: 'fetched from elsewhere' }),
    '/specs/big.json': () => JSON.stringify({ padding: 'x'.repeat(64 * 1024) }),
  };
  const spec = specs[url.pathname];
  if (spec) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(spec());
    return;
  }
  if (url.pathname === '/specs/openapi.yaml') {
    response.writeHead(200, { 'content-type': 'application/yaml' });
    response.end(YAML_SPEC);
    return;
  }
  if (url.pathname === '/specs/slow.json') return; // never answers: the client's deadline must end it
  if (url.pathname === '/specs/moved.json' || url.pathname === '/specs/loop.json') {
    response.writeHead(302, { location: url.pathname === '/specs/moved.json' ? '/specs/openapi.json' : '/specs/loop.json' });
    response.end();
    return;
  }
  if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return paymentsApi(request, response, url);
  if (url.pathname === '/open' || url.pathname.startsWith('/open/')) return openApi(response, url);
  sendJson(response, 404, { error: 'not found' });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => sendJson(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('discoverFromSpec over HTTP', () => {
  it('OpenAPI 3 and Swagger 2 descriptions of the same API normalise to the same operations', async () => {
    const fromOpenApi = await discoverFromSpec(`${origin}/specs/openapi.json`);
    const fromSwagger = await discoverFromSpec(`${origin}/specs/swagger.json`);
    expect(fromOpenApi).toMatchObject({ name: 'payments-demo', title: 'Payments Demo', version: '2024-06-01', source: 'openapi3', baseUrl: `${origin}/v1`, auth: { type: 'bearer' } });
    expect(fromSwagger).toMatchObject({ source: 'swagger2', baseUrl: `${origin}/v1`, auth: { type: 'bearer' } });
    expect(fromSwagger.operations).toEqual(fromOpenApi.operations);
    expect(fromSwagger.prioritized).toEqual(fromOpenApi.prioritized);
    expect(fromOpenApi.operations.map((operation) => operation.operationId).sort()).toEqual(
      ['confirmPaymentIntent', 'createCharge', 'createCustomer', 'createPaymentIntent', 'get_balance', 'listCharges', 'listCustomers', 'retrieveCharge', 'retrieveCustomer'],
    );
  });

  it('dereferences $refs, detects cursor pagination, scores confidence and orders reads before writes', async () => {
    const api = await discoverFromSpec(`${origin}/specs/openapi.json`);
    const list = api.operations.find((operation) => operation.operationId === 'listCustomers');
    expect(list?.pagination).toEqual({ style: 'cursor', limitParam: 'limit', cursorParam: 'starting_after', itemsField: 'data', hasMoreField: 'has_more', cursorItemField: 'id' });
    expect(list?.parameters.map((parameter) => parameter.name)).toEqual(['limit', 'starting_after', 'email']);
    expect(list?.responseSchema).toMatchObject({ properties: { data: { type: 'array', items: { required: ['id', 'object', 'email', 'created'] } } } });
    const create = api.operations.find((operation) => operation.operationId === 'createCharge');
    expect(create?.requestBody).toMatchObject({ required: true, contentType: 'application/json', schema: { required: ['amount', 'currency'] } });
    expect(create?.responses).toEqual(['201']);
    expect(api.confidence).toBeGreaterThanOrEqual(0.9);
    expect(api.prioritized.slice(0, 2).sort()).toEqual(['listCharges', 'listCustomers']);
    const firstWrite = api.prioritized.findIndex((id) => id.startsWith('create') || id.startsWith('confirm'));
    const lastRead = Math.max(...['retrieveCharge', 'retrieveCustomer', 'get_balance'].map((id) => api.prioritized.indexOf(id)));
    expect(lastRead).toBeLessThan(firstWrite);
  });

  it('reads YAML documents, and documents given inline (with a base URL)', async () => {
    const yaml = await discoverFromSpec(`${origin}/specs/openapi.yaml`);
    expect(yaml).toMatchObject({ name: 'tiny-yaml-api', baseUrl: `${origin}/yaml`, operations: [{ operationId: 'ping', method: 'get', path: '/ping' }] });
    const inline = await discoverFromSpec(JSON.parse(fixtureText('payments-swagger2.json')) as Record<string, unknown>, { baseUrl: 'https://api.example.com/v1' });
    expect(inline).toMatchObject({ source: 'swagger2', baseUrl: 'https://api.example.com/v1' });
    await expect(discoverFromSpec(JSON.parse(fixtureText('payments-openapi3.json')) as Record<string, unknown>)).rejects.toThrow(/pass baseUrl/);
  });

  it('refuses invalid documents with a clear error naming the URL', async () => {
    await expect(discoverFromSpec(`${origin}/specs/invalid.json`)).rejects.toThrow(new RegExp(`invalid API description at ${origin}/specs/invalid.json: .*#/components/schemas/Missing`));
    await expect(discoverFromSpec(`${origin}/specs/not-a-spec.json`)).rejects.toThrow(/invalid API description at .*not-a-spec\.json/);
  });

  it('follows redirects hop by hop, checking every target', async () => {
    const moved = await discoverFromSpec(`${origin}/specs/moved.json`);
    expect(moved).toMatchObject({ name: 'payments-demo', baseUrl: `${origin}/v1` });
    const seen: string[] = [];
    const checkUrl = (url: string) => {
      seen.push(url);
      return url.endsWith('/openapi.json') ? 'not on the allow-list' : undefined;
    };
    await expect(discoverFromSpec(`${origin}/specs/moved.json`, { checkUrl })).rejects.toThrow(`${origin}/specs/openapi.json may not be fetched: not on the allow-list`);
    expect(seen).toEqual([`${origin}/specs/moved.json`, `${origin}/specs/openapi.json`]);
    await expect(discoverFromSpec(`${origin}/specs/loop.json`)).rejects.toThrow(`GET ${origin}/specs/loop.json redirected more than 5 times`);
  });

  it('does not follow $refs to other documents', async () => {
    await expect(discoverFromSpec(`${origin}/specs/external-ref.json`)).rejects.toThrow(/invalid API description at .*external-ref\.json/);
  });

  it('turns network trouble into errors that name the URL: refused, 404, too large, too slow, not http', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/openapi.json`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(discoverFromSpec(closedUrl)).rejects.toThrow(`GET ${closedUrl} failed: fetch failed: ECONNREFUSED`);

    await expect(discoverFromSpec(`${origin}/specs/missing.json`)).rejects.toThrow(`could not fetch the API description at ${origin}/specs/missing.json: HTTP 404`);
    await expect(discoverFromSpec(`${origin}/specs/big.json`, { maxBytes: 4096 })).rejects.toThrow(/big\.json (is \d+ bytes|exceeds 4096 bytes)/);
    await expect(discoverFromSpec(`${origin}/specs/slow.json`, { timeoutMs: 300 })).rejects.toThrow(`GET ${origin}/specs/slow.json timed out after 300 ms`);
    await expect(discoverFromSpec('file:///etc/passwd')).rejects.toThrow(/invalid API description source/);
    await expect(discoverFromSpec('ftp://example.com/spec.json')).rejects.toThrow(/an http\(s\) URL/);
  });
});

describe('discoverByProbing', () => {
  it('follows the index links, infers response schemas, and scores confidence by coverage', async () => {
    const api = await discoverByProbing(`${origin}/open`, { name: 'open-demo' });
    expect(api).toMatchObject({ name: 'open-demo', source: 'probe', baseUrl: `${origin}/open`, auth: { type: 'none' } });
    expect(api.operations.map((operation) => operation.path).sort()).toEqual(['/', '/customers', '/status']);
    const customers = api.operations.find((operation) => operation.path === '/customers');
    expect(customers).toMatchObject({ operationId: 'get_customers', method: 'get', parameters: [] });
    expect(customers?.responseSchema).toEqual({
      type: 'object',
      properties: {
        object: { type: 'string' },
        data: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              email: { type: 'string', format: 'email' },
              created: { type: 'integer' },
              tier: { type: 'string', enum: ['basic', 'gold'] },
              since: { type: 'string', format: 'date-time' },
            },
            required: ['id', 'email', 'created', 'tier', 'since'],
          },
        },
        has_more: { type: 'boolean' },
      },
      required: ['object', 'data', 'has_more'],
    });
    expect(api.confidence).toBe(0.7);
  });

  it('probes the paths it is given; paths that fail or are not JSON lower the confidence', async () => {
    const api = await discoverByProbing(`${origin}/open`, { paths: ['/status', '/text', '/nowhere'] });
    expect(api.operations.map((operation) => operation.operationId).sort()).toEqual(['get_root', 'get_status']);
    expect(api.confidence).toBeGreaterThanOrEqual(0.4);
    expect(api.confidence).toBeLessThan(0.7);
  });

  it('infers bearer authentication from a 401 challenge', async () => {
    const api = await discoverByProbing(`${origin}/v1`, { paths: ['/customers'] });
    expect(api.auth).toEqual({ type: 'bearer' });
    expect(api.operations).toEqual([]);
    expect(api.confidence).toBe(0.4);
  });

  it('fails clearly when the base URL cannot be reached or is not http', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(discoverByProbing(closedUrl)).rejects.toThrow(`GET ${closedUrl}/ failed: fetch failed: ECONNREFUSED`);
    await expect(discoverByProbing('javascript:alert(1)')).rejects.toThrow(/invalid base URL/);
  });
});

/*
 * End to end: a tool generated from the discovered description runs in the real
 * sandbox against the real local server, with the credential added by the host.
 */
describe('generated tools against the live API', () => {
  let sandbox: Sandbox;
  let api: DiscoveredApi;
  const SECRET = 'payments-demo';

  beforeAll(async () => {
    api = await discoverFromSpec(`${origin}/specs/openapi.json`);
    sandbox = createSandbox({
      threads: 1,
      privateOrigins: [origin],
      secrets: (name) => (name === SECRET ? { origins: [origin], header: 'authorization', value: `Bearer ${TOKEN}` } : undefined),
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function runTool(operationId: string, input: unknown) {
    const tool = generateTool(api, operationId, { secretName: SECRET });
    const validated = validateToolCode(tool.code, { entry: tool.entry });
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    return sandbox.run({ code: validated.script, entry: tool.entry, input, level: tool.level, allowedHosts: tool.allowedHosts, secretNames: [SECRET] });
  }

  it('lists every customer across pages, with the credential injected by the host', async () => {
    const result = await runTool('listCustomers', { all: true, limit: 2 });
    expect(result.ok ? result.output : result.error).toEqual({ data: CUSTOMERS, pages: 3 });
  });

  it('reads one page, reads one resource, creates a charge', async () => {
    const page = await runTool('listCustomers', { limit: 2 });
    expect(page.ok ? page.output : page.error).toEqual({ object: 'list', data: CUSTOMERS.slice(0, 2), has_more: true });
    const one = await runTool('retrieveCustomer', { customer: 'cus_3' });
    expect(one.ok ? one.output : one.error).toEqual(CUSTOMERS[2]);
    const charge = await runTool('createCharge', { body: { amount: 1250, currency: 'eur', customer: 'cus_3' } });
    expect(charge.ok ? charge.output : charge.error).toEqual({ id: 'ch_1', object: 'charge', amount: 1250, currency: 'eur', status: 'succeeded' });
  });

  it('reports HTTP errors and refused hosts as tool errors with a clear message', async () => {
    const missing = await runTool('retrieveCustomer', { customer: 'cus_404' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'TOOL_ERROR' } });
    if (!missing.ok) expect(missing.error.message).toContain('GET /customers/{customer} answered HTTP 404: {"error":{"message":"No such customer"}}');

    const elsewhere = { ...api, baseUrl: 'http://127.0.0.2:9/v1' };
    const tool = generateTool(elsewhere, 'listCharges', {});
    const validated = validateToolCode(tool.code, {});
    if (!validated.ok) throw new Error('generated code must validate');
    const refused = await sandbox.run({ code: validated.script, input: {}, allowedHosts: [origin] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'TOOL_ERROR' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/GET \/charges could not be completed \[[A-Z_]+\]/);
  });
});
