import { z } from 'zod';
import type { TaskTypeSpec } from '../../core/agents/playbook.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { ReasonRequest } from '../../core/tasks/steps.js';
import { jsonObject } from '../../core/tasks/submission.js';
import type { Plan } from '../../core/tasks/task.js';
import type { ChatMessage, ChatRequest, ChatResponse, ChatTool } from './providers/chat.js';
import { describeIssues } from '../../core/validation.js';

/*
 * How a model's answer becomes a Plan, whichever model answers: the model is asked for one JSON plan restricted to
 * the task type's tools (as a forced `submit_plan` call where tools are supported, else as the answer's text), and
 * the answer is validated here. Anything else is a failed attempt, never a half-plan.
 */

export const PLAN_TOOL_NAME = 'submit_plan';
const MAX_PLAN_OUTPUT_TOKENS = 1200;

const modelPlan = z
  .object({
    steps: z.array(z.object({ tool: z.string(), input: jsonObject })).min(1).max(20),
    confidence: z.number().min(0).max(1),
    rationale: z.string().max(4000).default(''),
  })
  .strict();

export class InvalidPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPlanError';
  }
}

export function toolsOf(spec: TaskTypeSpec): string[] {
  return spec.playbook.steps.map((s) => s.tool);
}

/** JSON Schema of the plan; the tool names are an enum so a provider that enforces schemas cannot step outside them. */
export function planSchema(spec: TaskTypeSpec): JsonObject {
  return {
    type: 'object',
    properties: {
      steps: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: { type: 'object', properties: { tool: { type: 'string', enum: toolsOf(spec) }, input: { type: 'object' } }, required: ['tool', 'input'] },
      },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      rationale: { type: 'string' },
    },
    required: ['steps', 'confidence', 'rationale'],
  };
}

export function planTool(spec: TaskTypeSpec): ChatTool {
  return { name: PLAN_TOOL_NAME, description: `Submit the plan of tool calls for ${spec.taskType}.`, parameters: planSchema(spec) };
}

export function planMessages(request: ReasonRequest, spec: TaskTypeSpec): ChatMessage[] {
  const system = [
    `You plan the work of the ANTS agent ${request.task.agentType} for the task type ${spec.taskType}: ${spec.description}`,
    `Answer with one JSON object: {"steps":[{"tool":string,"input":object}],"confidence":number 0..1,"rationale":string}.`,
    `Allowed tools: ${toolsOf(spec).join(', ')}. The reference playbook is ${JSON.stringify(spec.playbook.steps)}.`,
    `Acceptance rules the result must meet: ${JSON.stringify(spec.acceptance)}.`,
  ].join('\n');
  const user = JSON.stringify({ input: request.input, attempt: request.attempt, feedback: request.feedback, context: request.context });
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** The chat request of a Reason step: the plan as a forced tool call, for providers that call tools. */
export function planChatRequest(request: ReasonRequest, spec: TaskTypeSpec, useTool: boolean): ChatRequest {
  const messages = planMessages(request, spec);
  return useTool
    ? { messages, tools: [planTool(spec)], toolChoice: { name: PLAN_TOOL_NAME }, maxOutputTokens: MAX_PLAN_OUTPUT_TOKENS, temperature: 0 }
    : { messages, responseSchema: { name: 'plan', schema: planSchema(spec) }, maxOutputTokens: MAX_PLAN_OUTPUT_TOKENS, temperature: 0 };
}

/** Rough token count of a prompt (≈ 4 characters a token), for cost estimates before the call. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  return Math.ceil(messages.reduce((sum, m) => sum + m.content.length, 0) / 4) + 8 * messages.length;
}
export const PLAN_OUTPUT_TOKENS_ESTIMATE = 500;

/** Validates a plan (parsed JSON) against the task type; throws InvalidPlanError with the reason. */
export function toPlan(raw: unknown, spec: TaskTypeSpec, reasoner: string): Plan {
  const parsed = modelPlan.safeParse(raw);
  if (!parsed.success) throw new InvalidPlanError(`the model's answer is not a valid plan: ${describeIssues(parsed.error)}`);
  const tools = toolsOf(spec);
  const unknown = parsed.data.steps.map((s) => s.tool).filter((tool) => !tools.includes(tool));
  if (unknown.length > 0) throw new InvalidPlanError(`the model chose tools outside the task type's set: ${unknown.join(', ')}`);
  return { procedure: spec.playbook.procedure, steps: parsed.data.steps, confidence: parsed.data.confidence, rationale: parsed.data.rationale, reasoner };
}

/** A plan out of a JSON text answer. */
export function planFromText(text: string, spec: TaskTypeSpec, reasoner: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidPlanError(`the model's answer is not a valid plan: ${error instanceof Error ? error.message : String(error)}`);
  }
  return toPlan(raw, spec, reasoner);
}

/** A plan out of a chat answer: the `submit_plan` call when there is one, else the text. */
export function planFromChat(response: ChatResponse, spec: TaskTypeSpec, reasoner: string): Plan {
  const call = response.toolCalls.find((c) => c.name === PLAN_TOOL_NAME);
  return call ? toPlan(call.arguments, spec, reasoner) : planFromText(response.text, spec, reasoner);
}
