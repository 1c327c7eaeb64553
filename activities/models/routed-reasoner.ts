import { planFromPlaybook } from '../../core/agents/plan.js';
import type { Plan } from '../../core/tasks/task.js';
import { estimateTokens, InvalidPlanError, PLAN_OUTPUT_TOKENS_ESTIMATE, planChatRequest, planFromChat, planMessages } from './plan-contract.js';
import type { Reasoner } from './reasoner.js';
import { routedChat, type RoutedChatDeps } from './routed-chat.js';

/*
 * Reason through the model router (see routed-chat.ts): the plan from the first model of the chain that answers
 * with a usable one; the playbook model plans without a call.
 */

export { MODEL_BUDGET_EXHAUSTED, MODEL_UNAVAILABLE, NO_MODEL_SATISFIES } from './routed-chat.js';

/** A Reason step needs a model that can hold a conversation and answer in a fixed structure. */
export const REASON_CAPABILITIES = ['chat', 'structured_output'] as const;

export type RoutedReasonerDeps = RoutedChatDeps;

export function routedReasoner(deps: RoutedReasonerDeps): Reasoner {
  return {
    name: 'router',
    async plan(request, spec, signal, call): Promise<Plan> {
      const messages = planMessages(request, spec);
      const { value, model, routing } = await routedChat<Plan>(
        deps,
        {
          tenant: request.task.tenant,
          key: { taskId: request.task.taskId, agentType: request.task.agentType, taskType: request.task.taskType, step: 'reason', taskAttempt: request.attempt, activityAttempt: call?.activityAttempt ?? 1 },
          routing: {
            agentType: request.task.agentType,
            taskType: request.task.taskType,
            requiredCapabilities: [...REASON_CAPABILITIES],
            estimatedInputTokens: estimateTokens(messages) + 200,
            estimatedOutputTokens: PLAN_OUTPUT_TOKENS_ESTIMATE,
            ...(request.constraints?.maxCostUsd !== undefined ? { maxCostUsd: request.constraints.maxCostUsd } : {}),
            ...(request.constraints?.maxLatencyMs !== undefined ? { maxLatencyMs: request.constraints.maxLatencyMs } : {}),
            ...(request.constraints?.minContextTokens !== undefined ? { minContextTokens: request.constraints.minContextTokens } : {}),
          },
          request: (model) => planChatRequest(request, spec, model.capabilities.includes('function_calling')),
          interpret(response, model) {
            try {
              return { ok: true, value: planFromChat(response, spec, `router:${model.id}`) };
            } catch (error) {
              if (error instanceof InvalidPlanError) return { ok: false, error: error.message };
              throw error;
            }
          },
          withoutProvider: () => planFromPlaybook(spec, request.input, request.attempt, request.context),
          invalidKind: 'invalid_plan',
          wanted: 'a plan',
          ...(call ? { heartbeat: (details: unknown) => call.heartbeat(details) } : {}),
        },
        signal,
      );
      return { ...value, reasoner: `router:${model.id}`, routing };
    },
  };
}
