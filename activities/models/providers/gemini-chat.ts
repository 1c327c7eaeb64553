import { FunctionCallingConfigMode, GoogleGenAI, type GenerateContentParameters, type GenerateContentResponse } from '@google/genai';
import { apiKeyOf, argumentsObject, clientKey, ProviderError, type ChatProvider, type ChatRequest, type ChatResponse } from './chat.js';
import { toProviderError } from './sdk-errors.js';

/*
 * Google's Gemini API (generateContent) through @google/genai: the system prompt is `systemInstruction`, roles are
 * `user`/`model`, tools are function declarations, and structured output is a JSON response schema.
 */

export interface GeminiChatOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function toGenerateParams(model: string, request: ChatRequest): GenerateContentParameters {
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
  const params: GenerateContentParameters = {
    model,
    contents: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] })),
    config: {
      maxOutputTokens: request.maxOutputTokens,
      temperature: request.temperature ?? 0,
      ...(system ? { systemInstruction: system } : {}),
    },
  };
  if (request.tools && request.tools.length > 0 && params.config) {
    params.config.tools = [{ functionDeclarations: request.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }];
    const choice = request.toolChoice ?? 'auto';
    params.config.toolConfig = {
      functionCallingConfig:
        choice === 'auto'
          ? { mode: FunctionCallingConfigMode.AUTO }
          : choice === 'required'
            ? { mode: FunctionCallingConfigMode.ANY }
            : { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.name] },
    };
  }
  if (request.responseSchema && params.config) {
    params.config.responseMimeType = 'application/json';
    params.config.responseJsonSchema = request.responseSchema.schema;
  }
  return params;
}

export function fromGenerateResponse(response: GenerateContentResponse, model: string): ChatResponse {
  const candidate = response.candidates?.[0];
  if (!candidate?.content?.parts) throw new ProviderError('invalid_response', `the response has no candidate content (${response.promptFeedback?.blockReason ?? 'no reason given'})`);
  let text = '';
  const toolCalls: ChatResponse['toolCalls'] = [];
  for (const [index, part] of candidate.content.parts.entries()) {
    if (typeof part.text === 'string' && !part.thought) text += part.text;
    if (part.functionCall?.name) toolCalls.push({ id: part.functionCall.id ?? `call-${index}`, name: part.functionCall.name, arguments: argumentsObject(part.functionCall.args ?? {}) });
  }
  return {
    text,
    toolCalls,
    usage: { inputTokens: response.usageMetadata?.promptTokenCount ?? 0, outputTokens: response.usageMetadata?.candidatesTokenCount ?? 0 },
    finishReason: candidate.finishReason ?? 'unknown',
    model: response.modelVersion ?? model,
  };
}

export function geminiProvider(options: GeminiChatOptions = {}): ChatProvider {
  const env = options.env ?? process.env;
  const clients = new Map<string, GoogleGenAI>();
  return {
    provider: 'gemini',
    async chat({ model, deployment }, request, signal) {
      const key = clientKey(model, deployment);
      let client = clients.get(key);
      if (!client) {
        const apiKey = apiKeyOf(deployment, env, 'GEMINI_API_KEY');
        if (!apiKey) throw new ProviderError('auth', `model ${model.id} (${deployment.id}): no Gemini key (${deployment.apiKeyEnv ?? 'GEMINI_API_KEY'})`);
        client = new GoogleGenAI({
          apiKey,
          // Retries are ours (the fallback chain, then Temporal): one attempt per call.
          httpOptions: { ...(deployment.endpoint ? { baseUrl: deployment.endpoint } : {}), timeout: options.timeoutMs ?? 120_000, retryOptions: { attempts: 1 } },
        });
        clients.set(key, client);
      }
      const remote = deployment.deployment ?? model.remoteModel;
      const params = toGenerateParams(remote, request);
      if (params.config && signal) params.config.abortSignal = signal;
      try {
        return fromGenerateResponse(await client.models.generateContent(params), remote);
      } catch (error) {
        throw toProviderError(error, `gemini:${deployment.id}`, signal);
      }
    },
  };
}
