import { ApplicationFailure } from '@temporalio/activity';
import { planFromPlaybook } from '../../core/agents/plan.js';
import { budgetRemaining } from '../../core/routing/budget.js';
import { estimateCostUsd, type ModelSpec, type ProviderName } from '../../core/routing/model.js';
import type { ModelCallSummary, ModelRouting } from '../../core/routing/outcome.js';
import { route, tighter, type CustomRouter, type RoutingRequest, type RoutingRule } from '../../core/routing/router.js';
import type { Plan } from '../../core/tasks/task.js';
import type { ModelLimiter } from './limiter.js';
import { estimateTokens, InvalidPlanError, PLAN_OUTPUT_TOKENS_ESTIMATE, planChatRequest, planFromChat, planMessages } from './plan-contract.js';
import { ProviderError, type ChatProvider } from './providers/chat.js';
import { MODEL_CONFIGURATION_ERROR, type Reasoner } from './reasoner.js';
import type { TenantRegistry } from './registry-source.js';
import type { ModelStore } from './store.js';

/*
 * Reason through the model router: route (registry + learned stats + live load + budget), then call the chosen
 * model on its least-loaded deployment, falling through the ordered fallbacks on rate limits, server errors,
 * timeouts, unreachable endpoints and unusable answers. Every call is recorded with its tokens and dollars.
 */

export const NO_MODEL_SATISFIES = 'NoModelSatisfies';
export const MODEL_BUDGET_EXHAUSTED = 'ModelBudgetExhausted';
export const MODEL_UNAVAILABLE = 'ModelUnavailable';

/** A Reason step needs a model that can hold a conversation and answer in a fixed structure. */
export const REASON_CAPABILITIES = ['chat', 'structured_output'] as const;

export interface RoutedReasonerDeps {
  registry: TenantRegistry;
  rules: readonly RoutingRule[];
  customRouters?: readonly CustomRouter[];
  providers: Partial<Record<ProviderName, ChatProvider>>;
  limiter: ModelLimiter;
  store: ModelStore;
  maxCostUsd?: number;
  /** Used for tenants without a budget of their own. */
  defaultDailyBudgetUsd?: number;
  now?: () => Date;
}

export function routedReasoner(deps: RoutedReasonerDeps): Reasoner {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'router',
    async plan(request, spec, signal, call): Promise<Plan> {
      const tenant = request.task.tenant;
      const models = await deps.registry.models(tenant);
      const messages = planMessages(request, spec);
      const [stats, spent, budget] = await Promise.all([
        deps.store.stats(models.map((m) => m.id)),
        deps.store.spentToday(tenant, now()),
        deps.store.dailyBudget(tenant),
      ]);
      const routingRequest: RoutingRequest = {
        agentType: request.task.agentType,
        taskType: request.task.taskType,
        requiredCapabilities: [...REASON_CAPABILITIES],
        estimatedInputTokens: estimateTokens(messages) + 200,
        estimatedOutputTokens: PLAN_OUTPUT_TOKENS_ESTIMATE,
        maxCostUsd: tighter(deps.maxCostUsd, request.constraints?.maxCostUsd),
        maxLatencyMs: request.constraints?.maxLatencyMs,
        minContextTokens: request.constraints?.minContextTokens,
        budgetRemainingUsd: budgetRemaining(budget ?? deps.defaultDailyBudgetUsd, spent),
        at: now().toISOString(),
      };
      const routed = route(routingRequest, models, { stats, load: deps.limiter.loads(models) }, { rules: deps.rules, customRouters: deps.customRouters });
      if (!routed.ok) throw ApplicationFailure.nonRetryable(routed.message, routed.code === 'budget_exhausted' ? MODEL_BUDGET_EXHAUSTED : NO_MODEL_SATISFIES);
      const decision = routed.decision;
      call?.heartbeat({ routing: decision });

      const byId = new Map(models.map((m) => [m.id, m] as const));
      const calls: ModelCallSummary[] = [];
      const chain = [decision.modelId, ...decision.fallbacks];
      for (const [seq, modelId] of chain.entries()) {
        const model = byId.get(modelId);
        if (!model) continue;
        const outcome = await attempt(model, seq);
        if (outcome.plan) {
          const routing = summarize(decision, model.id, calls);
          return { ...outcome.plan, reasoner: `router:${model.id}`, routing };
        }
        if (signal.aborted) break;
      }
      const failures = calls.map((c) => `${c.modelId}: ${c.error ?? c.errorKind}`).join('; ');
      const configurationOnly = calls.length > 0 && calls.every((c) => c.errorKind === 'auth' || c.errorKind === 'invalid_request');
      if (configurationOnly) throw ApplicationFailure.nonRetryable(`every model of the chain refused the request: ${failures}`, MODEL_CONFIGURATION_ERROR);
      throw ApplicationFailure.retryable(`no model of the chain answered with a plan: ${failures}`, MODEL_UNAVAILABLE);

      async function attempt(model: ModelSpec, seq: number): Promise<{ plan?: Plan }> {
        const provider = model.provider === 'playbook' ? undefined : deps.providers[model.provider];
        if (model.provider !== 'playbook' && !provider) {
          await record(model, model.deployments[0]?.id ?? 'none', seq, { ok: false, kind: 'invalid_request', error: `no ${model.provider} provider in this pool`, latencyMs: 0 });
          return {};
        }
        const slot = await deps.limiter.acquire(model, signal);
        const started = performance.now();
        // The provider's slot is held for the call only (released as soon as it answers, then again here, a no-op):
        // recording the call must not keep the next waiting step from the provider.
        try {
          if (!provider) {
            const plan = planFromPlaybook(spec, request.input, request.attempt, request.context);
            await record(model, slot.deployment.id, seq, { ok: true, latencyMs: performance.now() - started, inputTokens: 0, outputTokens: 0 });
            return { plan };
          }
          const chatRequest = planChatRequest(request, spec, model.capabilities.includes('function_calling'));
          try {
            const response = await provider.chat({ model, deployment: slot.deployment }, chatRequest, signal).finally(() => slot.release());
            const latencyMs = performance.now() - started;
            const usage = { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens };
            try {
              const plan = planFromChat(response, spec, `router:${model.id}`);
              await record(model, slot.deployment.id, seq, { ok: true, latencyMs, ...usage });
              return { plan };
            } catch (error) {
              if (!(error instanceof InvalidPlanError)) throw error;
              await record(model, slot.deployment.id, seq, { ok: false, kind: 'invalid_plan', error: error.message, latencyMs, ...usage });
              return {};
            }
          } catch (error) {
            if (!(error instanceof ProviderError)) throw error;
            await record(model, slot.deployment.id, seq, { ok: false, kind: error.kind, error: error.message, latencyMs: performance.now() - started });
            return {};
          }
        } finally {
          slot.release();
          call?.heartbeat({ routing: decision, calls: calls.length });
        }
      }

      async function record(
        model: ModelSpec,
        deploymentId: string,
        seq: number,
        result: { ok: boolean; kind?: string; error?: string; latencyMs: number; inputTokens?: number; outputTokens?: number },
      ): Promise<void> {
        const inputTokens = result.inputTokens ?? 0;
        const outputTokens = result.outputTokens ?? 0;
        const costUsd = estimateCostUsd(model, inputTokens, outputTokens);
        const latencyMs = Math.round(result.latencyMs);
        calls.push({
          modelId: model.id,
          deploymentId,
          outcome: result.ok ? 'answered' : 'failed',
          ...(result.kind ? { errorKind: result.kind } : {}),
          ...(result.error ? { error: result.error.slice(0, 300) } : {}),
          latencyMs,
          inputTokens,
          outputTokens,
          costUsd,
        });
        await deps.store.recordCall({
          tenant,
          taskId: request.task.taskId,
          agentType: request.task.agentType,
          taskType: request.task.taskType,
          step: 'reason',
          taskAttempt: request.attempt,
          activityAttempt: call?.activityAttempt ?? 1,
          seq,
          modelId: model.id,
          provider: model.provider,
          deploymentId,
          inputTokens,
          outputTokens,
          costUsd,
          latencyMs,
          success: result.ok,
          errorKind: result.kind,
        });
      }
    },
  };
}

function summarize(decision: ModelRouting['decision'], usedModel: string, calls: ModelCallSummary[]): ModelRouting {
  return {
    decision,
    usedModel,
    calls,
    costUsd: calls.reduce((sum, c) => sum + c.costUsd, 0),
    inputTokens: calls.reduce((sum, c) => sum + c.inputTokens, 0),
    outputTokens: calls.reduce((sum, c) => sum + c.outputTokens, 0),
  };
}

