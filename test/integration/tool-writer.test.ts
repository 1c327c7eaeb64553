import { readFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolWriterActivities } from '../../activities/capabilities/activities.js';
import { openAiCompatibleCodeModel } from '../../activities/capabilities/code-model.js';
import { discoverFromSpec } from '../../activities/capabilities/discovery.js';
import { routedCodeModel } from '../../activities/capabilities/routed-code-model.js';
import { ModelLimiter } from '../../activities/models/limiter.js';
import { createChatProviders } from '../../activities/models/providers/index.js';
import { tenantRegistry } from '../../activities/models/registry-source.js';
import { createModelStore } from '../../activities/models/store.js';
import type { ModelSpec } from '../../core/routing/model.js';
import type { DiscoveredApi } from '../../core/tools/discovered-api.js';
import type { ToolDraft } from '../../core/tools/tool.js';
import { validateToolCode } from '../../core/tools/validation.js';
import { openAi, startFakeProvider, type FakeProvider, type ProviderAnswer } from '../support/fake-model-providers.js';
import { chatCompletion, startFakeOpenAi, type FakeAnswer, type FakeOpenAi } from '../support/fake-openai.js';
import { freshTenant, testDb } from '../support/stack.js';

/*
 * Writing a tool with a model (ANTS_TOOL_WRITER=model): the model's code passes the same validation as any other,
 * gets one more try with the refusals shown to it, and otherwise the deterministic generator's tool is used.
 * The model is a local server speaking the OpenAI chat-completions protocol.
 */
const spec = JSON.parse(readFileSync(new URL('../fixtures/apis/payments-openapi3.json', import.meta.url), 'utf8')) as Record<string, unknown>;
let api: DiscoveredApi;
let answers: FakeAnswer[] = [];
let model: FakeOpenAi;

beforeAll(async () => {
  api = await discoverFromSpec(spec, { baseUrl: 'https://payments.example.com' });
  model = await startFakeOpenAi((_request, index) => answers[index] ?? { status: 500, body: { error: { message: 'no more answers' } } });
});
afterAll(() => model.close());

const written = (code: string) => ({ status: 200, body: chatCompletion(JSON.stringify({ code, inputSchema: { type: 'object', properties: { limit: { type: 'integer' } } } })) });
const GOOD = `export async function main(input) {
  try {
    const res = await http.get('https://payments.example.com/v1/charges', { query: { limit: input.limit }, auth: 'payments' });
    return res.json();
  } catch (error) {
    throw new Error('charges unavailable: ' + error.message);
  }
}`;

function writer() {
  const env = new MockActivityEnvironment();
  const { writeTool } = createToolWriterActivities({ model: openAiCompatibleCodeModel({ baseUrl: model.baseUrl, model: 'code-model', apiKey: 'k' }) });
  return (operationId: string): Promise<ToolDraft> => env.run(writeTool, { tenant: 't', api, operationId, secret: 'payments', sourceUrl: 'https://payments.example.com/openapi.json' });
}

describe('a model-written tool', () => {
  it("is used when it passes validation, with the model's schema and the generator's grants", async () => {
    answers = [written(GOOD)];
    const first = model.requests.length;
    const draft = await writer()('listCharges');
    expect(draft.code).toBe(GOOD);
    expect(draft).toMatchObject({ name: `${api.name}.listCharges`, allowedHosts: ['https://payments.example.com'], authSecret: 'payments', level: 'RESTRICTED', sourceUrl: 'https://payments.example.com/openapi.json' });
    expect(draft.description).toMatch(/written by openai-compatible:code-model/);
    expect(draft.inputSchema).toEqual({ type: 'object', properties: { limit: { type: 'integer' } } });
    // The model was shown the contract and the generator's tool for the same operation.
    const request = model.requests[first];
    expect(request?.messages[0]?.content).toMatch(/http\.request/);
    expect(request?.messages[1]?.content).toMatch(/listCharges/);
  });

  it('gets a second try with the refusals shown, then falls back to the deterministic generator', async () => {
    answers = [...answers, written('export function main() { return eval("1"); }'), written('export function main() { return globalThis.process; }')];
    const first = model.requests.length;
    const draft = await writer()('listCharges');
    expect(model.requests.length - first).toBe(2);
    expect(model.requests[first + 1]?.messages.at(-1)?.content).toMatch(/no-eval at 1:\d+/);
    expect(draft.description).not.toMatch(/written by/);
    expect(validateToolCode(draft.code).ok).toBe(true);
    expect(draft.code).toMatch(/deterministic tool generator/);
  });

  it('fails the activity when the model endpoint fails, so Temporal retries it', async () => {
    answers = [...answers, { status: 503, body: { error: { message: 'overloaded' } } }];
    await expect(writer()('listCharges')).rejects.toThrow(/answered 503/);
  });
});

describe('a tool written through the model router', () => {
  const db = testDb();
  let provider: FakeProvider;
  let providerAnswers: ProviderAnswer[] = [];
  beforeAll(async () => {
    provider = await startFakeProvider(async () => providerAnswers.shift() ?? { status: 500, body: { error: { message: 'no answer scripted' } } });
  });
  afterAll(async () => {
    await provider.close();
    await db.end();
  });

  function routedWriter() {
    const coder: ModelSpec = {
      id: 'test-coder',
      provider: 'openai-compatible',
      displayName: 'Code model (fake)',
      remoteModel: 'coder-1',
      capabilities: ['chat', 'structured_output'],
      contextWindow: 128_000,
      enabled: true,
      pricing: { inputPerMTokUsd: 1, outputPerMTokUsd: 2 },
      expectedLatencyMs: 500,
      deployments: [{ id: 'coder-1', endpoint: `${provider.url}/v1`, useEntraId: false, maxConcurrency: 2 }],
    };
    const shipped = { models: [coder], providerLimits: { 'openai-compatible': { maxConcurrency: 2, maxPerSecond: 100 } }, rules: [] };
    const model = routedCodeModel({
      registry: tenantRegistry(shipped, undefined),
      rules: [],
      providers: createChatProviders({ env: {}, timeoutMs: 5_000 }),
      limiter: new ModelLimiter(shipped.providerLimits),
      store: createModelStore(db),
    });
    const env = new MockActivityEnvironment();
    const { writeTool } = createToolWriterActivities({ model });
    return (tenant: string): Promise<ToolDraft> => env.run(writeTool, { tenant, api, operationId: 'listCharges', secret: 'payments', buildId: 'capability:build-1' });
  }

  it("uses the router's model, records each call's tokens and dollars under the build, and retries a refused answer once", async () => {
    const tenant = freshTenant('writer');
    providerAnswers = [
      { status: 200, body: openAi.text(JSON.stringify({ code: 'export function main() { return eval("1"); }', inputSchema: { type: 'object' } })) },
      { status: 200, body: openAi.text(JSON.stringify({ code: GOOD, inputSchema: { type: 'object', properties: { limit: { type: 'integer' } } } })) },
    ];
    const draft = await routedWriter()(tenant);
    expect(draft.code).toBe(GOOD);
    expect(draft.description).toMatch(/written by test-coder/);
    const calls = await db.query<{ task_id: string; agent_type: string; step: string; task_attempt: number; model_id: string; success: boolean; cost_usd: string }>(
      'select task_id, agent_type, step, task_attempt, model_id, success, cost_usd from model_calls where tenant_id = $1 order by task_attempt',
      [tenant],
    );
    expect(calls.rows.map((r) => [r.task_id, r.agent_type, r.step, r.task_attempt, r.model_id, r.success])).toEqual([
      ['capability:build-1', 'meta.integration_builder', 'write:listCharges', 1, 'test-coder', true],
      ['capability:build-1', 'meta.integration_builder', 'write:listCharges', 2, 'test-coder', true],
    ]);
    expect(calls.rows.every((r) => Number(r.cost_usd) > 0)).toBe(true);
  });

  it('records an unusable answer as a failed call and fails the step for Temporal to retry', async () => {
    const tenant = freshTenant('writer');
    providerAnswers = [{ status: 200, body: openAi.text('here is your tool: function main() {}') }];
    await expect(routedWriter()(tenant)).rejects.toThrow(/no model of the chain answered with tool code/);
    const calls = await db.query<{ success: boolean; error_kind: string }>('select success, error_kind from model_calls where tenant_id = $1', [tenant]);
    expect(calls.rows).toEqual([{ success: false, error_kind: 'invalid_tool' }]);
  });

  it('falls back to the generator when no model of the registry may write code (here: the budget is spent)', async () => {
    const tenant = freshTenant('writer');
    await db.query('insert into model_budgets (tenant_id, daily_budget_usd) values ($1, 0)', [tenant]);
    const draft = await routedWriter()(tenant);
    expect(draft.code).toMatch(/deterministic tool generator/);
    expect((await db.query('select 1 from model_calls where tenant_id = $1', [tenant])).rowCount).toBe(0);
  });
});
