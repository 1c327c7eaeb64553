import { readFileSync } from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolWriterActivities } from '../../activities/capabilities/activities.js';
import { openAiCompatibleCodeModel } from '../../activities/capabilities/code-model.js';
import { discoverFromSpec } from '../../activities/capabilities/discovery.js';
import type { DiscoveredApi } from '../../core/tools/discovered-api.js';
import type { ToolDraft } from '../../core/tools/tool.js';
import { validateToolCode } from '../../core/tools/validation.js';
import { chatCompletion, startFakeOpenAi, type FakeAnswer, type FakeOpenAi } from '../support/fake-openai.js';

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
