import { z } from 'zod';
import type { JsonObject } from '../../core/tasks/json.js';
import type { DiscoveredApi, Operation } from '../../core/tools/discovered-api.js';

export interface CodeRequest {
  tenant: string;
  /** The build this tool is for (the capability workflow's id) and the try (1, then 2 after a refusal): the cost records' key. */
  buildId: string;
  attempt: number;
  activityAttempt: number;
  api: DiscoveredApi;
  operation: Operation;
  secret?: string;
  /** The deterministic generator's tool for the same operation: the contract by example. */
  reference: string;
  /** Why the previous answer was refused (validation rules and places), for the second try. */
  problems: string[];
}

export interface WrittenTool {
  code: string;
  inputSchema: JsonObject;
  /** The model that wrote it. */
  writtenBy: string;
}

/** A model that writes tool code for one API operation. */
export interface CodeModel {
  readonly name: string;
  write(request: CodeRequest, signal: AbortSignal): Promise<WrittenTool>;
}

export const writtenToolAnswer = z.object({ code: z.string().min(1).max(256 * 1024), inputSchema: z.record(z.string(), z.json()) }).strict();

/** The answer's JSON schema, for models that take structured output. */
export const WRITTEN_TOOL_SCHEMA: JsonObject = {
  type: 'object',
  properties: { code: { type: 'string' }, inputSchema: { type: 'object' } },
  required: ['code', 'inputSchema'],
  additionalProperties: false,
};
const completion = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });

const CONTRACT = [
  'You write one JavaScript tool for a sandbox. Rules:',
  '- Define `export async function main(input)`; return plain JSON.',
  '- The only host API is `http.request({ method, url, headers, query, body, auth })` (also http.get/http.post), resolving to { status, headers, body, json() }.',
  '- Put every http call inside try/catch. Never use eval, Function, import, require, process, globalThis, with, or prototype changes.',
  '- Credentials are added by the host: pass `auth: "<secret name>"`, never put keys in code or input.',
  'Answer with one JSON object: {"code": string, "inputSchema": JSON Schema object of main\'s input}.',
].join('\n');

/** What every code model is told: the contract, the operation, a correct tool by example, and earlier refusals. */
export function codeMessages(request: CodeRequest): Array<{ role: 'system' | 'user'; content: string }> {
  const facts = {
    api: { name: request.api.name, baseUrl: request.api.baseUrl, auth: request.api.auth },
    operation: request.operation,
    secret: request.secret ?? null,
  };
  return [
    { role: 'system', content: CONTRACT },
    { role: 'user', content: `Operation:\n${JSON.stringify(facts)}\n\nA correct tool for it, to improve on or follow:\n${request.reference}` },
    ...(request.problems.length > 0 ? [{ role: 'user' as const, content: `Your previous answer was refused: ${request.problems.join('; ')}` }] : []),
  ];
}

/** The model's text as a written tool, or why it is not one. */
export function parseWrittenTool(text: string): { ok: true; value: Omit<WrittenTool, 'writtenBy'> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the answer is not JSON' };
  }
  const parsed = writtenToolAnswer.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data as Omit<WrittenTool, 'writtenBy'> } : { ok: false, error: `the answer is not {code, inputSchema}: ${parsed.error.issues[0]?.message ?? ''}` };
}

export interface OpenAiCompatibleCodeModelOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

/** Any OpenAI-compatible chat endpoint (without the router), asked for a JSON answer. */
export function openAiCompatibleCodeModel(options: OpenAiCompatibleCodeModelOptions): CodeModel {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const name = `openai-compatible:${options.model}`;
  return {
    name,
    async write(request, signal) {
      const response = await fetch(url, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({ model: options.model, temperature: 0.2, response_format: { type: 'json_object' }, messages: codeMessages(request) }),
      });
      if (!response.ok) throw new Error(`the code model answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      const content = completion.parse(await response.json()).choices[0]?.message.content ?? '';
      const parsed = parseWrittenTool(content);
      if (!parsed.ok) throw new Error(`the code model's answer is unusable: ${parsed.error}`);
      return { ...parsed.value, writtenBy: name };
    },
  };
}
