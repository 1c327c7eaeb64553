import { z } from 'zod';
import type { JsonObject } from '../../core/tasks/json.js';
import type { DiscoveredApi, Operation } from '../../core/tools/discovered-api.js';

export interface CodeRequest {
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
}

/** A model that writes tool code for one API operation. */
export interface CodeModel {
  readonly name: string;
  write(request: CodeRequest, signal: AbortSignal): Promise<WrittenTool>;
}

const written = z.object({ code: z.string().min(1).max(256 * 1024), inputSchema: z.record(z.string(), z.json()) }).strict();
const completion = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });

const CONTRACT = [
  'You write one JavaScript tool for a sandbox. Rules:',
  '- Define `export async function main(input)`; return plain JSON.',
  '- The only host API is `http.request({ method, url, headers, query, body, auth })` (also http.get/http.post), resolving to { status, headers, body, json() }.',
  '- Put every http call inside try/catch. Never use eval, Function, import, require, process, globalThis, with, or prototype changes.',
  '- Credentials are added by the host: pass `auth: "<secret name>"`, never put keys in code or input.',
  'Answer with one JSON object: {"code": string, "inputSchema": JSON Schema object of main\'s input}.',
].join('\n');

export interface OpenAiCompatibleCodeModelOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
}

/** Any OpenAI-compatible chat endpoint, asked for a JSON answer (code + input schema). */
export function openAiCompatibleCodeModel(options: OpenAiCompatibleCodeModelOptions): CodeModel {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    name: `openai-compatible:${options.model}`,
    async write(request, signal) {
      const facts = {
        api: { name: request.api.name, baseUrl: request.api.baseUrl, auth: request.api.auth },
        operation: request.operation,
        secret: request.secret ?? null,
      };
      const messages = [
        { role: 'system', content: CONTRACT },
        { role: 'user', content: `Operation:\n${JSON.stringify(facts)}\n\nA correct tool for it, to improve on or follow:\n${request.reference}` },
        ...(request.problems.length > 0 ? [{ role: 'user', content: `Your previous answer was refused: ${request.problems.join('; ')}` }] : []),
      ];
      const response = await fetch(url, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({ model: options.model, temperature: 0.2, response_format: { type: 'json_object' }, messages }),
      });
      if (!response.ok) throw new Error(`the code model answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      const content = completion.parse(await response.json()).choices[0]?.message.content ?? '';
      return written.parse(JSON.parse(content)) as WrittenTool;
    },
  };
}
