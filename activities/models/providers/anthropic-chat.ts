import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import { apiKeyOf, argumentsObject, clientKey, ProviderError, type ChatProvider, type ChatRequest, type ChatResponse } from './chat.js';
import { toProviderError } from './sdk-errors.js';

/*
 * Anthropic's Messages API through @anthropic-ai/sdk. The system prompt is a top-level field, tools carry an
 * `input_schema`, and structured output is `output_config.format` with a JSON schema (the answer is the text).
 */

export interface AnthropicChatOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function toMessageParams(model: string, request: ChatRequest): MessageCreateParamsNonStreaming {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const params: MessageCreateParamsNonStreaming = {
    model,
    max_tokens: request.maxOutputTokens,
    messages: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: m.content })),
    ...(system ? { system } : {}),
  };
  const tools = request.tools ?? [];
  if (request.responseSchema) params.output_config = { format: { type: 'json_schema', schema: request.responseSchema.schema } };
  if (tools.length > 0) {
    params.tools = tools.map((t) => ({ name: t.name, description: t.description, input_schema: { type: 'object', ...t.parameters } }));
    const wanted = request.toolChoice ?? 'auto';
    params.tool_choice = wanted === 'auto' ? { type: 'auto' } : wanted === 'required' ? { type: 'any' } : { type: 'tool', name: wanted.name };
  }
  return params;
}

export function fromMessage(message: Message): ChatResponse {
  let text = '';
  const toolCalls: ChatResponse['toolCalls'] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: argumentsObject(block.input) });
  }
  if (message.content.length === 0) throw new ProviderError('invalid_response', 'the message has no content');
  return {
    text,
    toolCalls,
    usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
    finishReason: message.stop_reason ?? 'unknown',
    model: message.model,
  };
}

export function anthropicProvider(options: AnthropicChatOptions = {}): ChatProvider {
  const env = options.env ?? process.env;
  const clients = new Map<string, Anthropic>();
  return {
    provider: 'anthropic',
    async chat({ model, deployment }, request, signal) {
      const key = clientKey(model, deployment);
      let client = clients.get(key);
      if (!client) {
        const apiKey = apiKeyOf(deployment, env, 'ANTHROPIC_API_KEY');
        if (!apiKey) throw new ProviderError('auth', `model ${model.id} (${deployment.id}): no Anthropic key (${deployment.apiKeyEnv ?? 'ANTHROPIC_API_KEY'})`);
        client = new Anthropic({ apiKey, baseURL: deployment.endpoint ?? env.ANTHROPIC_BASE_URL ?? undefined, maxRetries: 0, timeout: options.timeoutMs ?? 120_000 });
        clients.set(key, client);
      }
      try {
        return fromMessage(await client.messages.create(toMessageParams(deployment.deployment ?? model.remoteModel, request), { signal }));
      } catch (error) {
        throw toProviderError(error, `anthropic:${deployment.id}`, signal);
      }
    },
  };
}
