import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
// Azure OpenAI's additions to the completion types (content-filter results per choice).
import type {} from '@azure/openai/types';
import { apiKeyOf, argumentsObject, clientKey, ProviderError, type ChatProvider, type ChatRequest, type ChatResponse, type ChatTarget } from './chat.js';
import { toProviderError } from './sdk-errors.js';

/*
 * Chat completions, as OpenAI defines them: OpenAI itself and every compatible server (vLLM, Ollama, llama.cpp
 * server) through the `openai` package's client, and Azure OpenAI through the same package's AzureOpenAI client
 * (deployment-scoped URL, `api-version`, an `api-key` header or a Microsoft Entra bearer token).
 */

export interface OpenAiChatOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Azure with `useEntraId`: where bearer tokens come from (default: DefaultAzureCredential of @azure/identity). */
  azureTokenProvider?: () => Promise<string>;
}

const AZURE_SCOPE = 'https://cognitiveservices.azure.com/.default';
const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export function toCompletionParams(model: string, request: ChatRequest): ChatCompletionCreateParamsNonStreaming {
  const params: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    max_tokens: request.maxOutputTokens,
    temperature: request.temperature ?? 0,
  };
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
    const choice = request.toolChoice ?? 'auto';
    params.tool_choice = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  }
  if (request.responseSchema) {
    params.response_format = { type: 'json_schema', json_schema: { name: request.responseSchema.name, schema: request.responseSchema.schema, strict: false } };
  }
  return params;
}

export function fromCompletion(completion: ChatCompletion): ChatResponse {
  const choice = completion.choices[0];
  if (!choice) throw new ProviderError('invalid_response', 'the completion has no choices');
  if (choice.finish_reason === 'content_filter') {
    // Azure withholds the answer and says which categories tripped; another model of the chain may still answer.
    throw new ProviderError('invalid_response', `the content filter withheld the answer${filteredCategories(choice)}`);
  }
  const toolCalls = (choice.message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: argumentsObject(call.function.arguments) }] : [],
  );
  return {
    text: choice.message.content ?? '',
    toolCalls,
    usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
    finishReason: choice.finish_reason ?? 'unknown',
    model: completion.model,
  };
}

function filteredCategories(choice: ChatCompletion.Choice): string {
  const results = choice.content_filter_results;
  if (!results) return '';
  const tripped = Object.entries(results).flatMap(([category, result]) =>
    typeof result === 'object' && result !== null && 'filtered' in result && result.filtered === true ? [category] : [],
  );
  return tripped.length > 0 ? ` (${tripped.join(', ')})` : '';
}

function family(provider: 'openai-compatible' | 'azure-openai', clientFor: (target: ChatTarget) => OpenAI): ChatProvider {
  return {
    provider,
    async chat(target, request, signal) {
      const client = clientFor(target);
      // On Azure the deployment in the URL picks the model; the body's model is informative.
      const model = target.deployment.deployment ?? target.model.remoteModel;
      try {
        return fromCompletion(await client.chat.completions.create(toCompletionParams(model, request), { signal }));
      } catch (error) {
        throw toProviderError(error, `${provider}:${target.deployment.id}`, signal);
      }
    },
  };
}

/** OpenAI and OpenAI-compatible servers. Retries are ours (the fallback chain, then Temporal), so the SDK makes none. */
export function openAiCompatibleProvider(options: OpenAiChatOptions = {}): ChatProvider {
  const env = options.env ?? process.env;
  const clients = new Map<string, OpenAI>();
  return family('openai-compatible', ({ model, deployment }) => {
    const key = clientKey(model, deployment);
    let client = clients.get(key);
    if (!client) {
      const baseURL = deployment.endpoint ?? env.OPENAI_BASE_URL;
      if (!baseURL) throw new ProviderError('invalid_request', `model ${model.id} (${deployment.id}) has no endpoint and OPENAI_BASE_URL is not set`);
      // Local servers usually take any key; the SDK insists on one.
      client = new OpenAI({ baseURL, apiKey: apiKeyOf(deployment, env, 'OPENAI_API_KEY') ?? 'not-needed', maxRetries: 0, timeout: options.timeoutMs ?? 120_000 });
      clients.set(key, client);
    }
    return client;
  });
}

/** Azure OpenAI: an API key (AZURE_OPENAI_API_KEY or the deployment's apiKeyEnv) or, with useEntraId, a token provider. */
export function azureOpenAiProvider(options: OpenAiChatOptions = {}): ChatProvider {
  const env = options.env ?? process.env;
  const clients = new Map<string, AzureOpenAI>();
  let entraTokens: (() => Promise<string>) | undefined = options.azureTokenProvider;
  return family('azure-openai', ({ model, deployment }) => {
    const key = clientKey(model, deployment);
    let client = clients.get(key);
    if (!client) {
      const endpoint = deployment.endpoint ?? env.AZURE_OPENAI_ENDPOINT;
      if (!endpoint) throw new ProviderError('invalid_request', `model ${model.id} (${deployment.id}) has no endpoint and AZURE_OPENAI_ENDPOINT is not set`);
      const common = {
        endpoint,
        apiVersion: deployment.apiVersion ?? env.OPENAI_API_VERSION ?? DEFAULT_AZURE_API_VERSION,
        deployment: deployment.deployment ?? model.remoteModel,
        maxRetries: 0,
        timeout: options.timeoutMs ?? 120_000,
      };
      if (deployment.useEntraId) {
        entraTokens ??= getBearerTokenProvider(new DefaultAzureCredential(), AZURE_SCOPE);
        client = new AzureOpenAI({ ...common, azureADTokenProvider: entraTokens });
      } else {
        const apiKey = apiKeyOf(deployment, env, 'AZURE_OPENAI_API_KEY');
        if (!apiKey) throw new ProviderError('auth', `model ${model.id} (${deployment.id}): no Azure OpenAI key (${deployment.apiKeyEnv ?? 'AZURE_OPENAI_API_KEY'}) and useEntraId is off`);
        client = new AzureOpenAI({ ...common, apiKey });
      }
      clients.set(key, client);
    }
    return client;
  });
}
