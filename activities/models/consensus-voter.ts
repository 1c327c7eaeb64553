import { ApplicationFailure, Context } from '@temporalio/activity';
import { budgetRemaining } from '../../core/routing/budget.js';
import { estimateCostUsd } from '../../core/routing/model.js';
import { route } from '../../core/routing/router.js';
import { voteRoutingRequest } from '../../core/routing/voters.js';
import { INVALID_VOTE, type RegistryVoter } from '../decisions/voters.js';
import type { ModelLimiter } from './limiter.js';
import { estimateTokens } from './plan-contract.js';
import { ProviderError, type ChatProvider } from './providers/chat.js';
import type { TenantRegistry } from './registry-source.js';
import { MODEL_BUDGET_EXHAUSTED } from './routed-reasoner.js';
import type { ModelStore } from './store.js';
import type { ProviderName } from '../../core/routing/model.js';

/*
 * Consensus votes of registry models, through the same machinery as Reason: the router's capability, constraint and
 * budget filters, the provider adapters, the per-provider limits, and a cost record per call (step `vote:<model>`,
 * keyed by the round, so a round's costs read as one task in GET /v1/costs).
 */

export interface RoutedVoterDeps {
  registry: TenantRegistry;
  providers: Partial<Record<ProviderName, ChatProvider>>;
  limiter: ModelLimiter;
  store: ModelStore;
  defaultDailyBudgetUsd?: number;
  now?: () => Date;
}

const BALLOT_SCHEMA = {
  type: 'object',
  properties: { choice: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 }, rationale: { type: 'string' } },
  required: ['choice', 'confidence', 'rationale'],
  additionalProperties: false,
};

/** Activity attempt of the vote when it runs in one (part of the cost record's key), else 1. */
function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

export function routedVoter(deps: RoutedVoterDeps): RegistryVoter {
  const now = deps.now ?? (() => new Date());
  return async (request, messages, signal) => {
    const models = await deps.registry.models(request.tenant);
    const model = models.find((m) => m.id === request.voter.model);
    if (!model) return undefined;
    const [stats, spent, budget] = await Promise.all([deps.store.stats([model.id]), deps.store.spentToday(request.tenant, now()), deps.store.dailyBudget(request.tenant)]);
    // The router's own filters decide whether this model may vote at all: capabilities, context, budget.
    const routed = route(
      voteRoutingRequest({ estimatedInputTokens: estimateTokens(messages) + 100, budgetRemainingUsd: budgetRemaining(budget ?? deps.defaultDailyBudgetUsd, spent), at: now().toISOString() }),
      [model],
      { stats, load: deps.limiter.loads([model]) },
      { maxFallbacks: 0 },
    );
    if (!routed.ok) throw ApplicationFailure.nonRetryable(`model ${model.id} cannot vote: ${routed.message}`, routed.code === 'budget_exhausted' ? MODEL_BUDGET_EXHAUSTED : INVALID_VOTE);
    const provider = deps.providers[model.provider];
    if (!provider) throw ApplicationFailure.nonRetryable(`model ${model.id}: no ${model.provider} provider in this pool`, INVALID_VOTE);

    const slot = await deps.limiter.acquire(model, signal);
    const started = performance.now();
    const record = (ok: boolean, usage: { inputTokens: number; outputTokens: number }, errorKind?: string) =>
      deps.store.recordCall({
        tenant: request.tenant,
        taskId: request.roundId,
        agentType: 'consensus',
        taskType: 'vote',
        step: `vote:${model.id}`,
        taskAttempt: 1,
        activityAttempt: activityAttempt(),
        seq: 0,
        modelId: model.id,
        provider: model.provider,
        deploymentId: slot.deployment.id,
        ...usage,
        costUsd: estimateCostUsd(model, usage.inputTokens, usage.outputTokens),
        latencyMs: performance.now() - started,
        success: ok,
        errorKind,
      });
    try {
      const response = await provider
        .chat({ model, deployment: slot.deployment }, { messages, responseSchema: { name: 'ballot', schema: BALLOT_SCHEMA }, maxOutputTokens: 400, temperature: 0 }, signal)
        .finally(() => slot.release());
      await record(true, response.usage);
      return response.text;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await record(false, { inputTokens: 0, outputTokens: 0 }, error.kind);
      const message = `model ${model.id} answered ${error.status ?? error.kind}: ${error.message}`;
      // Rate limits, server errors and timeouts may pass: Temporal retries the vote (while the round still waits).
      if (error.transient) throw new Error(message);
      throw ApplicationFailure.nonRetryable(message, INVALID_VOTE);
    } finally {
      slot.release();
    }
  };
}
