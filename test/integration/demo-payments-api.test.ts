import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentsDemoApi, SEED_CHARGE_COUNT, type Charge, type Customer, type PaymentIntent } from '../../infra/demo/payments/index.js';

const API_KEY = 'demo_sk_test_0123456789abcdef';

type OpenApiInput = Exclude<Parameters<typeof SwaggerParser.validate>[0], string>;

let app: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  app = createPaymentsDemoApi({ apiKey: API_KEY });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
});

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

interface ErrorAnswer {
  error: { type: string; message: string; param?: string };
}

interface Page<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

async function call<T = unknown>(method: 'GET' | 'POST', path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: string | null } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== null) headers.authorization = options.auth ?? `Bearer ${API_KEY}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

async function allPages<T extends { id: string }>(path: string, limit: number, filters = ''): Promise<T[]> {
  const seen: T[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 1000; guard += 1) {
    const cursor = after ? `&starting_after=${after}` : '';
    const page = await call<Page<T>>('GET', `${path}?limit=${limit}${filters}${cursor}`);
    expect(page.status).toBe(200);
    expect(page.body.data.length).toBeLessThanOrEqual(limit);
    seen.push(...page.body.data);
    if (!page.body.has_more) return seen;
    after = page.body.data.at(-1)?.id;
  }
  throw new Error('pagination did not end');
}

function expectRefusal(answer: Answer, status: number, type: string, param?: string): void {
  expect(answer.status).toBe(status);
  const { error } = answer.body as ErrorAnswer;
  expect(error.type).toBe(type);
  expect(error.message.length).toBeGreaterThan(0);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('authentication', () => {
  it('serves /health and /openapi.json without a key', async () => {
    expect(await call('GET', '/health', { auth: null })).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await call('GET', '/openapi.json', { auth: null })).status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate: Bearer without the right key', async () => {
    for (const auth of [null, 'Bearer wrong-key', `Basic ${API_KEY}`, API_KEY]) {
      const answer = await call('GET', '/v1/charges', { auth });
      expectRefusal(answer, 401, 'authentication_error');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await call('POST', '/v1/customers', { auth: null, body: { name: 'x', email: 'a@b.example' } })).status).toBe(401);
  });
});

describe('charges', () => {
  it('walks every charge page by page, newest first, without duplicates', async () => {
    const charges = await allPages<Charge>('/v1/charges', 7);
    expect(charges.length).toBeGreaterThanOrEqual(SEED_CHARGE_COUNT);
    expect(new Set(charges.map((c) => c.id)).size).toBe(charges.length);
    for (let i = 1; i < charges.length; i += 1) expect(charges[i - 1]!.created).toBeGreaterThanOrEqual(charges[i]!.created);
    const sample = charges.find((c) => c.metadata.invoice !== undefined)!;
    expect(sample.metadata.invoice).toMatch(/^INV-\d{4}$/);
    expect(Number.isInteger(sample.amount)).toBe(true);
  });

  it('defaults to 10 per page and bounds limit to 1..100', async () => {
    const first = await call<Page<Charge>>('GET', '/v1/charges');
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect(first.body.data).toHaveLength(10);
    expect((await call<Page<Charge>>('GET', '/v1/charges?limit=100')).body.data).toHaveLength(100);
    expectRefusal(await call('GET', '/v1/charges?limit=0'), 400, 'invalid_request_error', 'limit');
    expectRefusal(await call('GET', '/v1/charges?limit=101'), 400, 'invalid_request_error', 'limit');
    expectRefusal(await call('GET', '/v1/charges?limit=ten'), 400, 'invalid_request_error', 'limit');
    expectRefusal(await call('GET', '/v1/charges?starting_after=ch_doesnotexist'), 400, 'invalid_request_error', 'starting_after');
    expectRefusal(await call('GET', '/v1/charges?colour=red'), 400, 'invalid_request_error', 'colour');
  });

  it('filters by customer and by creation time, across pages', async () => {
    const everything = await allPages<Charge>('/v1/charges', 100);
    const customers = (await call<Page<Customer>>('GET', '/v1/customers?limit=100')).body.data;
    let total = 0;
    for (const customer of customers) {
      const theirs = await allPages<Charge>('/v1/charges', 9, `&customer=${customer.id}`);
      expect(theirs.every((c) => c.customer === customer.id)).toBe(true);
      expect(theirs.map((c) => c.id)).toEqual(everything.filter((c) => c.customer === customer.id).map((c) => c.id));
      total += theirs.length;
    }
    expect(total).toBe(everything.length);

    const times = everything.map((c) => c.created).sort((a, b) => a - b);
    const [from, to] = [times[20]!, times[60]!];
    // Brackets percent-encoded, as a client library sends them.
    const window = await allPages<Charge>('/v1/charges', 8, `&created%5Bgte%5D=${from}&created%5Blte%5D=${to}`);
    expect(window.map((c) => c.id)).toEqual(everything.filter((c) => c.created >= from && c.created <= to).map((c) => c.id));
    expect(window.length).toBeGreaterThanOrEqual(41);
    expect((await allPages<Charge>('/v1/charges', 50, `&created[gte]=${times.at(-1)! + 1}`)).length).toBe(0);
    expectRefusal(await call('GET', '/v1/charges?created[gte]=yesterday'), 400, 'invalid_request_error', 'created[gte]');
    expectRefusal(await call('GET', '/v1/charges?customer=alice'), 400, 'invalid_request_error', 'customer');
  });

  it('retrieves a charge by id and answers 404 for an unknown one', async () => {
    const [first] = (await call<Page<Charge>>('GET', '/v1/charges?limit=1')).body.data;
    expect((await call<Charge>('GET', `/v1/charges/${first!.id}`)).body).toEqual(first);
    expectRefusal(await call('GET', '/v1/charges/ch_nothere0000'), 404, 'invalid_request_error', 'id');
  });

  it('creates a charge once per Idempotency-Key', async () => {
    const customer = (await call<Page<Customer>>('GET', '/v1/customers?limit=1')).body.data[0]!;
    const before = (await allPages<Charge>('/v1/charges', 100, `&customer=${customer.id}`)).length;
    const body = { amount: 12_345, currency: customer.currency, customer: customer.id, description: 'Invoice INV-9001', metadata: { invoice: 'INV-9001' } };
    const headers = { 'idempotency-key': 'retry-safe-1' };
    const created = await call<Charge>('POST', '/v1/charges', { body, headers });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'charge', amount: 12_345, status: 'succeeded', customer: customer.id, metadata: { invoice: 'INV-9001' }, payment_intent: null });
    // The same fields in another order are the same request.
    const reordered = { metadata: body.metadata, description: body.description, customer: body.customer, currency: body.currency, amount: body.amount };
    const again = await call<Charge>('POST', '/v1/charges', { body: reordered, headers });
    expect(again.body).toEqual(created.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await allPages<Charge>('/v1/charges', 100, `&customer=${customer.id}`)).length).toBe(before + 1);
    // Newest first: the new charge heads the list.
    expect((await call<Page<Charge>>('GET', '/v1/charges?limit=1')).body.data[0]!.id).toBe(created.body.id);

    expectRefusal(await call('POST', '/v1/charges', { body: { ...body, amount: 999 }, headers }), 400, 'idempotency_error', 'Idempotency-Key');
    expectRefusal(await call('POST', '/v1/charges', { body }), 400, 'invalid_request_error', 'Idempotency-Key');
    const other = await call<Charge>('POST', '/v1/charges', { body, headers: { 'idempotency-key': 'retry-safe-2' } });
    expect(other.body.id).not.toBe(created.body.id);
  });

  it('refuses invalid charges with the parameter at fault', async () => {
    const customer = (await call<Page<Customer>>('GET', '/v1/customers?limit=1')).body.data[0]!;
    const valid = { amount: 500, currency: 'eur', customer: customer.id };
    const headers = { 'idempotency-key': 'invalid-attempts' };
    const cases: Array<[unknown, string | undefined]> = [
      [{ ...valid, amount: -5 }, 'amount'],
      [{ ...valid, amount: 10.5 }, 'amount'],
      [{ ...valid, amount: '500' }, 'amount'],
      [{ ...valid, currency: 'xyz' }, 'currency'],
      [{ ...valid, customer: undefined }, 'customer'],
      [{ ...valid, customer: 'cus_unknown000000' }, 'customer'],
      [{ ...valid, metadata: { invoice: 1001 } }, 'metadata[invoice]'],
      [{ ...valid, surprise: true }, 'surprise'],
      [[valid], undefined],
    ];
    for (const [body, param] of cases) expectRefusal(await call('POST', '/v1/charges', { body, headers }), 400, 'invalid_request_error', param);
    expectRefusal(await call('POST', '/v1/charges', { rawBody: '{"amount":', headers }), 400, 'invalid_request_error');
    // None of the refusals used up the key.
    expect((await call('POST', '/v1/charges', { body: valid, headers })).status).toBe(200);
  });
});

describe('customers and payment intents', () => {
  it('creates, lists and retrieves customers', async () => {
    const created = await call<Customer>('POST', '/v1/customers', { body: { name: 'Wayne Enterprises', email: 'ap@wayne.example', metadata: { account: 'ACC-9' } } });
    expect(created.body).toMatchObject({ object: 'customer', name: 'Wayne Enterprises', currency: 'eur' });
    expect((await call<Customer>('GET', `/v1/customers/${created.body.id}`)).body).toEqual(created.body);
    const all = await allPages<Customer>('/v1/customers', 2);
    expect(all[0]!.id).toBe(created.body.id);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    expectRefusal(await call('POST', '/v1/customers', { body: { name: 'x', email: 'not-an-email' } }), 400, 'invalid_request_error', 'email');
    expectRefusal(await call('GET', '/v1/customers/cus_nobody'), 404, 'invalid_request_error');
  });

  it('confirms a payment intent into a charge, once', async () => {
    const customer = (await call<Page<Customer>>('GET', '/v1/customers?limit=1')).body.data[0]!;
    const intent = await call<PaymentIntent>('POST', '/v1/payment_intents', { body: { amount: 4200, currency: 'usd', customer: customer.id, metadata: { invoice: 'INV-7777' } } });
    expect(intent.body).toMatchObject({ object: 'payment_intent', status: 'requires_confirmation', latest_charge: null });
    const listed = await allPages<PaymentIntent>('/v1/payment_intents', 3, `&customer=${customer.id}`);
    expect(listed.map((p) => p.id)).toContain(intent.body.id);

    const confirmed = await call<PaymentIntent>('POST', `/v1/payment_intents/${intent.body.id}/confirm`);
    expect(confirmed.body).toMatchObject({ id: intent.body.id, status: 'succeeded' });
    const charge = await call<Charge>('GET', `/v1/charges/${confirmed.body.latest_charge}`);
    expect(charge.body).toMatchObject({ amount: 4200, currency: 'usd', payment_intent: intent.body.id, metadata: { invoice: 'INV-7777' } });
    expectRefusal(await call('POST', `/v1/payment_intents/${intent.body.id}/confirm`, { body: {} }), 400, 'invalid_request_error');
    expectRefusal(await call('POST', '/v1/payment_intents/pi_unknown000/confirm'), 404, 'invalid_request_error');
  });

  it('gives the same data for the same seed', async () => {
    const firstPage = async (seed?: number) => {
      const other = createPaymentsDemoApi({ apiKey: API_KEY, ...(seed === undefined ? {} : { seed }) });
      const page = await other.inject({ url: '/v1/charges?limit=5', headers: { authorization: `Bearer ${API_KEY}` } });
      await other.close();
      return page.json<Page<Charge>>().data.map((c) => c.id);
    };
    expect(await firstPage()).toEqual(await firstPage());
    expect(await firstPage(7)).not.toEqual(await firstPage());
  });
});

describe('OpenAPI document', () => {
  type Operation = { operationId?: string; responses: Record<string, { content?: Record<string, { schema?: object; examples?: Record<string, { value: unknown }> }> }> };
  type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

  it('is a valid OpenAPI 3.0 document with the expected operations', async () => {
    const document = (await call<Document>('GET', '/openapi.json', { auth: null })).body;
    expect(document.openapi).toMatch(/^3\.0\./);
    await expect(SwaggerParser.validate(structuredClone(document) as unknown as OpenApiInput)).resolves.toBeDefined();
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['listCustomers', 'getCustomer', 'createCustomer', 'listCharges', 'getCharge', 'createCharge', 'listPaymentIntents', 'createPaymentIntent', 'confirmPaymentIntent']) expect(ids).toContain(id);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const list of operations.filter((o) => o.operationId?.startsWith('list'))) {
      expect(Object.keys(list.responses['200']?.content?.['application/json']?.examples ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('serves every documented path, and what it answers matches the documented schema', async () => {
    const document = (await call<Document>('GET', '/openapi.json', { auth: null })).body;
    const dereferenced = (await SwaggerParser.dereference(structuredClone(document) as unknown as OpenApiInput)) as unknown as Document;
    const ids = {
      customers: (await call<Page<Customer>>('GET', '/v1/customers?limit=1')).body.data[0]!.id,
      charges: (await call<Page<Charge>>('GET', '/v1/charges?limit=1')).body.data[0]!.id,
      payment_intents: (await call<Page<PaymentIntent>>('GET', '/v1/payment_intents?limit=1')).body.data[0]!.id,
    };
    // `nullable` is OpenAPI 3.0's, which Ajv understands; strict mode would refuse the other OpenAPI-only keywords.
    const ajv = new Ajv({ strict: false });
    for (const [template, methods] of Object.entries(document.paths)) {
      const collection = /^\/v1\/(\w+)\//.exec(template)?.[1] as keyof typeof ids | undefined;
      const path = template.replace('{id}', collection ? ids[collection] : 'unused');
      for (const method of Object.keys(methods)) {
        // An empty body: a write is then refused with 400, which still proves the route exists.
        const answer = await call(method.toUpperCase() as 'GET' | 'POST', path, method === 'post' ? { body: {}, headers: { 'idempotency-key': `probe-${template}` } } : {});
        expect(answer.status, `${method} ${template}`).not.toBe(404);
        const documented = dereferenced.paths[template]?.[method]?.responses[String(answer.status)]?.content?.['application/json']?.schema;
        expect(documented, `${method} ${template} answered an undocumented ${answer.status}`).toBeDefined();
        const valid = ajv.validate(documented!, answer.body);
        expect(valid, `${method} ${template}: ${ajv.errorsText()}`).toBe(true);
      }
    }
  });
});
