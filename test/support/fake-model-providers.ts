import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/**
 * A stand-in for a remote model API (unreachable from tests): records every request (method, path with query,
 * headers, JSON body) and answers what `respond` says, with status, headers and body shaped as the provider
 * documents them. `'hang'` keeps the request open, as a provider that stopped answering would.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type ProviderAnswer = { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

export interface FakeProvider {
  url: string;
  requests: RecordedRequest[];
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFakeProvider(respond: (request: RecordedRequest, index: number) => ProviderAnswer | Promise<ProviderAnswer>): Promise<FakeProvider> {
  const state = { requests: [] as RecordedRequest[], inFlight: 0, maxInFlight: 0 };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    state.requests.push(request);
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on('close', () => (state.inFlight -= 1));
    const answer = await respond(request, state.requests.length - 1);
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/* Answers and errors in each provider's documented shape. */

export const openAi = {
  toolCall(name: string, args: unknown, usage = { prompt_tokens: 812, completion_tokens: 96 }) {
    return {
      id: 'chatcmpl-abc123',
      object: 'chat.completion',
      created: 1_741_000_000,
      model: 'gpt-4-turbo-2024-04-09',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
          logprobs: null,
        },
      ],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    };
  },
  text(content: string) {
    return {
      id: 'chatcmpl-def456',
      object: 'chat.completion',
      created: 1_741_000_000,
      model: 'local-model',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null }, logprobs: null }],
      usage: { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 },
    };
  },
  /** Azure OpenAI withholding an answer: finish_reason content_filter, with the per-category results Azure adds. */
  contentFiltered(tripped: string) {
    const results = (trippedHere: string) =>
      Object.fromEntries(['hate', 'self_harm', 'sexual', 'violence'].map((name) => [name, { filtered: name === trippedHere, severity: name === trippedHere ? 'high' : 'safe' }]));
    return {
      id: 'chatcmpl-ghi789',
      object: 'chat.completion',
      created: 1_741_000_000,
      model: 'gpt-4-turbo-2024-04-09',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: results('') }],
      choices: [
        {
          index: 0,
          finish_reason: 'content_filter',
          message: { role: 'assistant', content: null, refusal: null },
          content_filter_results: results(tripped),
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 120, completion_tokens: 0, total_tokens: 120 },
    };
  },
  error(status: number, message: string, type: string, code: string | null = null) {
    return { error: { message, type, param: null, code } };
  },
};

export const anthropic = {
  toolUse(name: string, input: unknown) {
    return {
      id: 'msg_01ABC',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-0',
      content: [
        { type: 'text', text: 'Here is the plan.' },
        { type: 'tool_use', id: 'toolu_01', name, input },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 640, output_tokens: 88 },
    };
  },
  error(type: string, message: string) {
    return { type: 'error', error: { type, message }, request_id: 'req_011' };
  },
};

export const gemini = {
  functionCall(name: string, args: unknown) {
    return {
      candidates: [{ content: { role: 'model', parts: [{ functionCall: { name, args } }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 700, candidatesTokenCount: 64, totalTokenCount: 764 },
      modelVersion: 'gemini-1.5-pro-002',
      responseId: 'resp-1',
    };
  },
  error(code: number, status: string, message: string) {
    return { error: { code, message, status } };
  },
};
