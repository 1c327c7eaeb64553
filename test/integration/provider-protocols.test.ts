import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicProvider } from '../../activities/models/providers/anthropic-chat.js';
import { ProviderError, type ChatProvider, type ChatRequest } from '../../activities/models/providers/chat.js';
import { geminiProvider } from '../../activities/models/providers/gemini-chat.js';
import { azureOpenAiProvider, openAiCompatibleProvider } from '../../activities/models/providers/openai-chat.js';
import type { ModelSpec, ProviderName } from '../../core/routing/model.js';
import { anthropic, gemini, openAi, startFakeProvider, type FakeProvider, type ProviderAnswer } from '../support/fake-model-providers.js';
import { freePort } from '../support/stack.js';

/*
 * Each provider adapter against a local server speaking that provider's wire format: the request the real SDK sends
 * (path, auth header, body), the normalised answer (tool calls with JSON arguments, structured text, token usage),
 * and the documented errors (rate limits with Retry-After, overload, server errors, refused keys), plus a provider
 * that hangs and one that is not there.
 */

let script: ProviderAnswer[] = [];
let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider(() => script.shift() ?? { status: 500, body: { error: 'unscripted' } });
});
afterAll(async () => fake?.close());

const env = { AZURE_OPENAI_API_KEY: 'azure-secret', ANTHROPIC_API_KEY: 'anthropic-secret', GEMINI_API_KEY: 'gemini-secret', OPENAI_API_KEY: 'openai-secret' };

function model(provider: ProviderName, remoteModel: string, deployment: Partial<ModelSpec['deployments'][number]> = {}): ModelSpec {
  return {
    id: `${provider}-model`,
    provider,
    displayName: provider,
    remoteModel,
    capabilities: ['chat', 'function_calling', 'structured_output'],
    contextWindow: 100_000,
    pricing: { inputPerMTokUsd: 1, outputPerMTokUsd: 2 },
    expectedLatencyMs: 500,
    deployments: [{ id: 'd1', useEntraId: false, maxConcurrency: 4, endpoint: fake.url, ...deployment }],
    enabled: true,
  };
}

const planArgs = { steps: [{ tool: 'finance.match_transactions', input: { amountTolerance: 1 } }], confidence: 0.9, rationale: 'match' };
const toolRequest: ChatRequest = {
  messages: [
    { role: 'system', content: 'You plan.' },
    { role: 'user', content: '{"input":{}}' },
  ],
  tools: [{ name: 'submit_plan', description: 'Submit the plan', parameters: { type: 'object', properties: { steps: { type: 'array' } }, required: ['steps'] } }],
  toolChoice: { name: 'submit_plan' },
  maxOutputTokens: 800,
  temperature: 0,
};
const structuredRequest: ChatRequest = {
  messages: [{ role: 'user', content: 'Give the plan.' }],
  responseSchema: { name: 'plan', schema: { type: 'object', properties: { steps: { type: 'array' } } } },
  maxOutputTokens: 300,
};

async function failure(provider: ChatProvider, target: ModelSpec, request = toolRequest, signal?: AbortSignal): Promise<ProviderError> {
  const error = await provider.chat({ model: target, deployment: target.deployments[0] as ModelSpec['deployments'][number] }, request, signal).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const chat = (provider: ChatProvider, target: ModelSpec, request = toolRequest) =>
  provider.chat({ model: target, deployment: target.deployments[0] as ModelSpec['deployments'][number] }, request);

describe('OpenAI-compatible (openai package)', () => {
  const provider = openAiCompatibleProvider({ env, timeoutMs: 500 });
  const target = () => model('openai-compatible', 'llama-3.1-8b', { endpoint: `${fake.url}/v1` });

  it('sends a chat completion with the forced tool, and reads the tool call and usage', async () => {
    script = [{ status: 200, body: openAi.toolCall('submit_plan', planArgs) }];
    const before = fake.requests.length;
    const answer = await chat(provider, target());
    const sent = fake.requests[before];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/v1/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer openai-secret');
    expect(sent?.body).toMatchObject({
      model: 'llama-3.1-8b',
      max_tokens: 800,
      temperature: 0,
      messages: [{ role: 'system', content: 'You plan.' }, { role: 'user' }],
      tools: [{ type: 'function', function: { name: 'submit_plan', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'submit_plan' } },
    });
    expect(answer).toMatchObject({ text: '', finishReason: 'tool_calls', usage: { inputTokens: 812, outputTokens: 96 } });
    expect(answer.toolCalls).toEqual([{ id: 'call_1', name: 'submit_plan', arguments: planArgs }]);
  });

  it('asks for structured output with a JSON schema', async () => {
    script = [{ status: 200, body: openAi.text(JSON.stringify(planArgs)) }];
    const before = fake.requests.length;
    const answer = await chat(provider, target(), structuredRequest);
    expect(fake.requests[before]?.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'plan', schema: structuredRequest.responseSchema?.schema, strict: false } });
    expect(JSON.parse(answer.text)).toEqual(planArgs);
  });

  it('maps 429 (with Retry-After), 500, 401 and 400 onto the error kinds, without retrying by itself', async () => {
    const before = fake.requests.length;
    script = [{ status: 429, headers: { 'retry-after': '7' }, body: openAi.error(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000, transient: true });
    script = [{ status: 500, body: openAi.error(500, 'The server had an error', 'server_error') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'server_error', transient: true });
    script = [{ status: 401, body: openAi.error(401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'auth', transient: false });
    script = [{ status: 400, body: openAi.error(400, "Invalid 'messages'", 'invalid_request_error') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'invalid_request', transient: false });
    expect(fake.requests.length - before).toBe(4);
  });

  it('reports a provider that hangs as a timeout, and one that is not there as unavailable', async () => {
    script = ['hang'];
    expect(await failure(provider, target())).toMatchObject({ kind: 'timeout', transient: true });
    const closed = model('openai-compatible', 'x', { endpoint: `http://127.0.0.1:${await freePort()}/v1` });
    expect(await failure(provider, closed)).toMatchObject({ kind: 'unavailable', transient: true });
  });
});

describe('Azure OpenAI (AzureOpenAI client)', () => {
  it('calls the deployment URL with api-version and the api-key header', async () => {
    const provider = azureOpenAiProvider({ env });
    script = [{ status: 200, body: openAi.toolCall('submit_plan', planArgs) }];
    const before = fake.requests.length;
    const answer = await chat(provider, model('azure-openai', 'gpt-4-turbo', { deployment: 'gpt4t-prod', apiVersion: '2024-10-21' }));
    const sent = fake.requests[before];
    expect(sent?.url).toBe('/openai/deployments/gpt4t-prod/chat/completions?api-version=2024-10-21');
    expect(sent?.headers['api-key']).toBe('azure-secret');
    expect(sent?.headers.authorization).toBeUndefined();
    expect(answer.toolCalls[0]?.arguments).toEqual(planArgs);
  });

  it('authenticates with a Microsoft Entra token from the token provider', async () => {
    let asked = 0;
    const provider = azureOpenAiProvider({ env: {}, azureTokenProvider: async () => `entra-token-${(asked += 1)}` });
    script = [{ status: 200, body: openAi.toolCall('submit_plan', planArgs) }];
    const before = fake.requests.length;
    await chat(provider, model('azure-openai', 'gpt-4-turbo', { deployment: 'gpt4t', useEntraId: true }));
    expect(fake.requests[before]?.headers.authorization).toBe('Bearer entra-token-1');
    expect(fake.requests[before]?.headers['api-key']).toBeUndefined();
  });

  it('maps Azure throttling (429 with retry-after) and refuses to start without a key', async () => {
    script = [{ status: 429, headers: { 'retry-after': '2' }, body: { error: { code: '429', message: 'Requests to the ChatCompletions_Create Operation have exceeded call rate limit.' } } }];
    expect(await failure(azureOpenAiProvider({ env }), model('azure-openai', 'gpt-4-turbo', { deployment: 'd' }))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
    expect(await failure(azureOpenAiProvider({ env: {} }), model('azure-openai', 'gpt-4-turbo', { deployment: 'd' }))).toMatchObject({ kind: 'auth' });
  });

  it('reads a content-filtered answer as a failed answer naming the category, so the chain can move on', async () => {
    script = [{ status: 200, body: openAi.contentFiltered('violence') }];
    const error = await failure(azureOpenAiProvider({ env }), model('azure-openai', 'gpt-4-turbo', { deployment: 'd' }));
    expect(error).toMatchObject({ kind: 'invalid_response' });
    expect(error.message).toMatch(/content filter withheld the answer \(violence\)/);
  });
});

describe('Anthropic (@anthropic-ai/sdk)', () => {
  const provider = anthropicProvider({ env, timeoutMs: 500 });
  const target = () => model('anthropic', 'claude-haiku-4-0');

  it('sends the Messages API request (system apart, tools with input_schema) and reads tool_use and usage', async () => {
    script = [{ status: 200, body: anthropic.toolUse('submit_plan', planArgs) }];
    const before = fake.requests.length;
    const answer = await chat(provider, target());
    const sent = fake.requests[before];
    expect(sent?.url).toBe('/v1/messages');
    // The SDK carries the key as x-api-key or as a bearer token, depending on its version.
    expect([sent?.headers['x-api-key'], sent?.headers.authorization]).toContainEqual(expect.stringMatching(/^(Bearer )?anthropic-secret$/));
    expect(sent?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent?.body).toMatchObject({
      model: 'claude-haiku-4-0',
      max_tokens: 800,
      system: 'You plan.',
      messages: [{ role: 'user', content: '{"input":{}}' }],
      tools: [{ name: 'submit_plan', input_schema: { type: 'object', required: ['steps'] } }],
      tool_choice: { type: 'tool', name: 'submit_plan' },
    });
    expect(answer).toMatchObject({ text: 'Here is the plan.', finishReason: 'tool_use', usage: { inputTokens: 640, outputTokens: 88 } });
    expect(answer.toolCalls).toEqual([{ id: 'toolu_01', name: 'submit_plan', arguments: planArgs }]);
  });

  it('asks for structured output through output_config', async () => {
    script = [{ status: 200, body: { ...anthropic.toolUse('x', {}), content: [{ type: 'text', text: JSON.stringify(planArgs) }], stop_reason: 'end_turn' } }];
    const before = fake.requests.length;
    const answer = await chat(provider, target(), structuredRequest);
    expect(fake.requests[before]?.body.output_config).toEqual({ format: { type: 'json_schema', schema: structuredRequest.responseSchema?.schema } });
    expect(JSON.parse(answer.text)).toEqual(planArgs);
  });

  it('maps rate_limit_error (429), overloaded_error (529), api_error (500) and authentication_error (401)', async () => {
    script = [{ status: 429, headers: { 'retry-after': '3' }, body: anthropic.error('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    script = [{ status: 529, body: anthropic.error('overloaded_error', 'Overloaded') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'server_error', status: 529, transient: true });
    script = [{ status: 500, body: anthropic.error('api_error', 'Internal server error') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'server_error' });
    script = [{ status: 401, body: anthropic.error('authentication_error', 'invalid x-api-key') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'auth', transient: false });
  });
});

describe('Gemini (@google/genai)', () => {
  const provider = geminiProvider({ env, timeoutMs: 500 });
  const target = () => model('gemini', 'gemini-1.5-pro');

  it('sends generateContent (systemInstruction, function declarations, forced call) and reads the functionCall and usage', async () => {
    script = [{ status: 200, body: gemini.functionCall('submit_plan', planArgs) }];
    const before = fake.requests.length;
    const answer = await chat(provider, target());
    const sent = fake.requests[before];
    expect(sent?.url).toMatch(/^\/v1beta\/models\/gemini-1\.5-pro:generateContent/);
    expect(sent?.headers['x-goog-api-key']).toBe('gemini-secret');
    expect(sent?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: '{"input":{}}' }] }],
      systemInstruction: { parts: [{ text: 'You plan.' }] },
      tools: [{ functionDeclarations: [{ name: 'submit_plan', parametersJsonSchema: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['submit_plan'] } },
      generationConfig: { maxOutputTokens: 800, temperature: 0 },
    });
    expect(answer).toMatchObject({ finishReason: 'STOP', usage: { inputTokens: 700, outputTokens: 64 }, model: 'gemini-1.5-pro-002' });
    expect(answer.toolCalls).toEqual([{ id: 'call-0', name: 'submit_plan', arguments: planArgs }]);
  });

  it('asks for JSON with a response schema', async () => {
    script = [{ status: 200, body: { ...gemini.functionCall('x', {}), candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify(planArgs) }] }, finishReason: 'STOP' }] } }];
    const before = fake.requests.length;
    const answer = await chat(provider, target(), structuredRequest);
    expect(fake.requests[before]?.body.generationConfig).toMatchObject({ responseMimeType: 'application/json', responseJsonSchema: structuredRequest.responseSchema?.schema });
    expect(JSON.parse(answer.text)).toEqual(planArgs);
  });

  it('maps RESOURCE_EXHAUSTED (429), UNAVAILABLE (503) and PERMISSION_DENIED (403), one request each', async () => {
    const before = fake.requests.length;
    script = [{ status: 429, body: gemini.error(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'rate_limited', status: 429 });
    script = [{ status: 503, body: gemini.error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'server_error', transient: true });
    script = [{ status: 403, body: gemini.error(403, 'PERMISSION_DENIED', 'API key not valid.') }];
    expect(await failure(provider, target())).toMatchObject({ kind: 'auth', transient: false });
    expect(fake.requests.length - before).toBe(3);
  });
});
