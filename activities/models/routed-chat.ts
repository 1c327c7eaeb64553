import { ApplicationFailure } from '@temporalio/activity';
import { budgetRemaining } from '../../core/routing/budget.js';
import { estimateCostUsd, type ModelSpec, type ProviderName } from '../../core/routing/model.js';
import type { ModelCallSummary, ModelRouting } from '../../core/routing/outcome.js';
import { route, tighter, type CustomRouter, type RoutingRequest, type RoutingRule } from '../../core/routing/router.js';
import type { ModelLimiter } from './limiter.js';
import { ProviderError, type ChatProvider, type ChatRequest, type ChatResponse } from './providers/chat.js';
import { MODEL_CONFIGURATION_ERROR } from './reasoner.js';
import type { TenantRegistry } from './registry-source.js';
import type { ModelCallRecord, ModelStore } from './store.js';

/*
 * One model call through the router, for any step that needs a model's answer (Reason, writing a tool): route
 * (registry + learned stats + live load + budget), call the chosen model on its least-loaded deployment, fall
 * through the ordered fallbacks on rate limits, server errors, timeouts, unreachable endpoints and unusable
 * answers, and record every call with its tokens and dollars under the step's business key.
 */

export const NO_MODEL_SATISFIES = 'NoModelSatisfies';
export const MODEL_BUDGET_EXHAUSTED = 'ModelBudgetExhausted';
export const MODEL_UNAVAILABLE = 'ModelUnavailable';

export interface RoutedChatDeps {
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

/** What the cost record of each call is keyed on (see the model_calls table). */
export type CallKey = Pick<ModelCallRecord, 'taskId' | 'agentType' | 'taskType' | 'step' | 'taskAttempt' | 'activityAttempt'>;

export type Interpreted<T> = { ok: true; value: T } | { ok: false; error: string };

export interface RoutedChat<T> {
  tenant: string;
  key: CallKey;
  routing: Omit<RoutingRequest, 'budgetRemainingUsd' | 'at'>;
  /** The request for one model (it may depend on what the model can do, e.g. function calling). */
  request(model: ModelSpec): ChatRequest;
  /** The model's answer as the step needs it, or why it is unusable (the chain then moves on). */
  interpret(response: ChatResponse, model: ModelSpec): Interpreted<T>;
  /** An answer without a provider call, for models that are not chat models (the playbook); none: skipped. */
  withoutProvider?(model: ModelSpec): T | undefined;
  /** The error kind recorded for an unusable answer (e.g. `invalid_plan`). */
  invalidKind: string;
  /** What the step is asking for, in failure messages ("a plan", "tool code"). */
  wanted: string;
  heartbeat?(details: unknown): void;
}

export async function routedChat<T>(deps: RoutedChatDeps, chat: RoutedChat<T>, signal: AbortSignal): Promise<{ value: T; model: ModelSpec; routing: ModelRouting }> {
  const now = deps.now ?? (() => new Date());
  const { tenant } = chat;
  const models = await deps.registry.models(tenant);
  const [stats, spent, budget] = await Promise.all([deps.store.stats(models.map((m) => m.id)), deps.store.spentToday(tenant, now()), deps.store.dailyBudget(tenant)]);
  const routingRequest: RoutingRequest = {
    ...chat.routing,
    maxCostUsd: tighter(deps.maxCostUsd, chat.routing.maxCostUsd),
    budgetRemainingUsd: budgetRemaining(budget ?? deps.defaultDailyBudgetUsd, spent),
    at: now().toISOString(),
  };
  const routed = route(routingRequest, models, { stats, load: deps.limiter.loads(models) }, { rules: deps.rules, customRouters: deps.customRouters });
  if (!routed.ok) throw ApplicationFailure.nonRetryable(routed.message, routed.code === 'budget_exhausted' ? MODEL_BUDGET_EXHAUSTED : NO_MODEL_SATISFIES);
  const decision = routed.decision;
  chat.heartbeat?.({ routing: decision });

  const byId = new Map(models.map((m) => [m.id, m] as const));
  const calls: ModelCallSummary[] = [];
  const chain = [decision.modelId, ...decision.fallbacks];
  for (const [seq, modelId] of chain.entries()) {
    const model = byId.get(modelId);
    if (!model) continue;
    const answer = await attempt(model, seq);
    if (answer !== undefined) return { value: answer.value, model, routing: summarize(decision, model.id, calls) };
    if (signal.aborted) break;
  }
  const failures = calls.map((c) => `${c.modelId}: ${c.error ?? c.errorKind}`).join('; ');
  const configurationOnly = calls.length > 0 && calls.every((c) => c.errorKind === 'auth' || c.errorKind === 'invalid_request');
  if (configurationOnly) throw ApplicationFailure.nonRetryable(`every model of the chain refused the request: ${failures}`, MODEL_CONFIGURATION_ERROR);
  throw ApplicationFailure.retryable(`no model of the chain answered with ${chat.wanted}: ${failures}`, MODEL_UNAVAILABLE);

  async function attempt(model: ModelSpec, seq: number): Promise<{ value: T } | undefined> {
    const provider = model.provider === 'playbook' ? undefined : deps.providers[model.provider];
    if (model.provider !== 'playbook' && !provider) {
      await record(model, model.deployments[0]?.id ?? 'none', seq, { ok: false, kind: 'invalid_request', error: `no ${model.provider} provider in this pool`, latencyMs: 0 });
      return undefined;
    }
    const slot = await deps.limiter.acquire(model, signal);
    const started = performance.now();
    // The provider's slot is held for the call only (released as soon as it answers, then again here, a no-op):
    // recording the call must not keep the next waiting step from the provider.
    try {
      if (!provider) {
        const value = chat.withoutProvider?.(model);
        if (value === undefined) {
          await record(model, slot.deployment.id, seq, { ok: false, kind: 'invalid_request', error: `${model.id} cannot give ${chat.wanted}`, latencyMs: 0 });
          return undefined;
        }
        await record(model, slot.deployment.id, seq, { ok: true, latencyMs: performance.now() - started, inputTokens: 0, outputTokens: 0 });
        return { value };
      }
      try {
        const response = await provider.chat({ model, deployment: slot.deployment }, chat.request(model), signal).finally(() => slot.release());
        const latencyMs = performance.now() - started;
        const usage = { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens };
        const interpreted = chat.interpret(response, model);
        if (interpreted.ok) {
          await record(model, slot.deployment.id, seq, { ok: true, latencyMs, ...usage });
          return { value: interpreted.value };
        }
        await record(model, slot.deployment.id, seq, { ok: false, kind: chat.invalidKind, error: interpreted.error, latencyMs, ...usage });
        return undefined;
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        await record(model, slot.deployment.id, seq, { ok: false, kind: error.kind, error: error.message, latencyMs: performance.now() - started });
        return undefined;
      }
    } finally {
      slot.release();
      chat.heartbeat?.({ routing: decision, calls: calls.length });
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
      ...chat.key,
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
