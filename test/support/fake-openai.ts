import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A stand-in for a remote OpenAI-compatible endpoint (unreachable from tests), speaking the real wire protocol:
 * `POST /v1/chat/completions` in, a chat completion out. `respond` decides each answer; returning `'hold'` keeps
 * the request open, as a slow provider would, until the caller goes away.
 */
export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string };
}

export type FakeAnswer = { status: number; body: unknown } | 'hold';

export interface FakeOpenAi {
  baseUrl: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

export function chatCompletion(content: string) {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'fake-model',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeOpenAi(respond: (request: ChatRequest, index: number) => FakeAnswer): Promise<FakeOpenAi> {
  const requests: ChatRequest[] = [];
  const held = new Set<ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const request = JSON.parse(await readBody(req)) as ChatRequest;
    requests.push(request);
    const answer = respond(request, requests.length - 1);
    if (answer === 'hold') {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The plan a sensible model would give for a reconciliation task: the playbook's tool with a 1.00 tolerance. */
export function reconciliationPlan(request: ChatRequest): string {
  const user = JSON.parse(request.messages.find((m) => m.role === 'user')?.content ?? '{}') as { input: { invoices: unknown; payments: unknown } };
  return JSON.stringify({
    steps: [{ tool: 'finance.match_transactions', input: { invoices: user.input.invoices, payments: user.input.payments, amountTolerance: 1 } }],
    confidence: 0.92,
    rationale: 'reference matching with a small tolerance for bank fees',
  });
}
