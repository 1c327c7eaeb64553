import type { JsonObject } from '../../../core/tasks/json.js';
import type { Deployment, ModelSpec, ProviderName } from '../../../core/routing/model.js';

/*
 * One interface over every provider: messages in; text, tool calls and token usage out. Each adapter maps it onto
 * its provider's own SDK and wire format, and maps the provider's failures onto ProviderError.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A function the model may call; `parameters` is a JSON Schema of its arguments. */
export interface ChatTool {
  name: string;
  description: string;
  parameters: JsonObject;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatTool[];
  /** `required`: the model must call some tool; a name: it must call that one. */
  toolChoice?: 'auto' | 'required' | { name: string };
  /** Structured output: the answer's text must be JSON matching this schema. */
  responseSchema?: { name: string; schema: JsonObject };
  maxOutputTokens: number;
  temperature?: number;
}

export interface ChatToolCall {
  id: string;
  name: string;
  arguments: JsonObject;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResponse {
  text: string;
  toolCalls: ChatToolCall[];
  usage: ChatUsage;
  finishReason: string;
  model: string;
}

export interface ChatTarget {
  model: ModelSpec;
  deployment: Deployment;
}

export interface ChatProvider {
  readonly provider: ProviderName;
  chat(target: ChatTarget, request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse>;
}

/**
 * Why a provider call failed. Rate limits, server errors, timeouts and unreachable endpoints fall through to the
 * next model of the chain; a refused key or a malformed request is a configuration problem of that model.
 */
export type ProviderErrorKind = 'rate_limited' | 'server_error' | 'timeout' | 'unavailable' | 'auth' | 'invalid_request' | 'invalid_response';

const TRANSIENT: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'server_error', 'timeout', 'unavailable']);

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}

/** A JSON object out of a tool call's arguments (a JSON string for OpenAI, an object elsewhere). */
export function argumentsObject(raw: unknown): JsonObject {
  const value: unknown = typeof raw === 'string' ? (raw.trim() === '' ? {} : JSON.parse(raw)) : raw;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProviderError('invalid_response', 'tool call arguments are not a JSON object');
  }
  return value as JsonObject;
}

/** Reads the key from the environment variable the deployment names; the key itself never enters the registry. */
export function apiKeyOf(deployment: Deployment, env: NodeJS.ProcessEnv, fallbackVar: string): string | undefined {
  const name = deployment.apiKeyEnv ?? fallbackVar;
  const value = env[name];
  return value && value.trim() !== '' ? value : undefined;
}

/** Clients are reused per model and deployment settings: a deployment changed through the API gets a new client. */
export function clientKey(model: ModelSpec, deployment: Deployment): string {
  return `${model.id}|${model.remoteModel}|${JSON.stringify(deployment)}`;
}
