import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { jsonObject } from '../../core/tasks/submission.js';
import type { Plan } from '../../core/tasks/task.js';
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

const modelPlan = z
  .object({
    steps: z.array(z.object({ tool: z.string(), input: jsonObject })).min(1).max(20),
    confidence: z.number().min(0).max(1),
    rationale: z.string().max(4000).default(''),
  })
  .strict();

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
      const tools = spec.playbook.steps.map((s) => s.tool);
      const system = [
        `You plan the work of the ANTS agent ${request.task.agentType} for the task type ${spec.taskType}: ${spec.description}`,
        `Answer with one JSON object: {"steps":[{"tool":string,"input":object}],"confidence":number 0..1,"rationale":string}.`,
        `Allowed tools: ${tools.join(', ')}. The reference playbook is ${JSON.stringify(spec.playbook.steps)}.`,
        `Acceptance rules the result must meet: ${JSON.stringify(spec.acceptance)}.`,
      ].join('\n');
      const user = JSON.stringify({ input: request.input, attempt: request.attempt, feedback: request.feedback, context: request.context });
      const response = await fetchImpl(url, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({
          model: options.model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
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
      let parsed: z.infer<typeof modelPlan>;
      try {
        parsed = modelPlan.parse(JSON.parse(content));
      } catch (error) {
        throw ApplicationFailure.retryable(`the model's answer is not a valid plan: ${error instanceof Error ? error.message : String(error)}`, 'InvalidModelPlan');
      }
      const unknown = parsed.steps.map((s) => s.tool).filter((tool) => !tools.includes(tool));
      if (unknown.length > 0) {
        throw ApplicationFailure.retryable(`the model chose tools outside the task type's set: ${unknown.join(', ')}`, 'InvalidModelPlan');
      }
      return {
        procedure: spec.playbook.procedure,
        steps: parsed.steps,
        confidence: parsed.confidence,
        rationale: parsed.rationale,
        reasoner: `openai-compatible:${options.model}`,
      };
    },
  };
}
