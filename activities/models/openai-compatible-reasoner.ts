import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import type { Plan } from '../../core/tasks/task.js';
import { InvalidPlanError, planFromText, planMessages } from './plan-contract.js';
import { MODEL_CONFIGURATION_ERROR, type Reasoner } from './reasoner.js';

export interface OpenAiCompatibleOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  fetchImpl?: typeof fetch;
}

const completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().optional(),
});

/**
 * Any OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI's v1 surface, vLLM, Ollama, llama.cpp).
 * The model answers with a JSON plan restricted to the task type's tools; anything else is a failed attempt.
 */
export function openAiCompatibleReasoner(options: OpenAiCompatibleOptions): Reasoner {
  const fetchImpl = options.fetchImpl ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    name: `openai-compatible:${options.model}`,
    async plan(request, spec, signal): Promise<Plan> {
      const response = await fetchImpl(url, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({
          model: options.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: planMessages(request, spec),
        }),
      });
      if (!response.ok) {
        const text = (await response.text()).slice(0, 500);
        const message = `model endpoint answered ${response.status}: ${text}`;
        // Rate limits and server errors pass; a refused key or a malformed request will not fix itself.
        if (response.status === 429 || response.status >= 500) throw ApplicationFailure.retryable(message, 'ModelUnavailable');
        throw ApplicationFailure.nonRetryable(message, MODEL_CONFIGURATION_ERROR);
      }
      const body = completion.parse(await response.json());
      const content = body.choices[0]?.message.content ?? '';
      try {
        return planFromText(content, spec, `openai-compatible:${options.model}`);
      } catch (error) {
        if (error instanceof InvalidPlanError) throw ApplicationFailure.retryable(error.message, 'InvalidModelPlan');
        throw error;
      }
    },
  };
}
