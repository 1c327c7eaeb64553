import type { Capability, ModelSpec } from './model.js';
import { EMPTY_ROUTER_STATE, route, type RouterState, type RoutingRequest } from './router.js';

/*
 * Consensus voters chosen by the router. Groupthink avoidance wants votes from different models, so the router is
 * asked again and again, each time without the models already chosen: every pick passes the same capability and
 * constraint filters as a Reason step (and the budget), and the picks come out best first and all distinct.
 */

/** A voter must read the question and answer with one structured ballot. */
export const VOTE_CAPABILITIES: readonly Capability[] = ['chat', 'structured_output'];

/** A ballot is short: the question, a few options and some context in, a choice and a rationale out. */
export const VOTE_TOKENS_ESTIMATE = { input: 1500, output: 300 } as const;

export function voteRoutingRequest(overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  return {
    agentType: 'consensus.voter',
    taskType: 'vote',
    requiredCapabilities: VOTE_CAPABILITIES,
    estimatedInputTokens: VOTE_TOKENS_ESTIMATE.input,
    estimatedOutputTokens: VOTE_TOKENS_ESTIMATE.output,
    ...overrides,
  };
}

/**
 * Up to `count` distinct models for the voters of a round, best first, among `candidates` (e.g. the models of
 * ANTS_CONSENSUS_MODELS found in the registry). Models the router would never give the request are left out.
 */
export function pickVoterModels(candidates: readonly ModelSpec[], count: number, state: RouterState = EMPTY_ROUTER_STATE, request: RoutingRequest = voteRoutingRequest()): string[] {
  const picked: string[] = [];
  let remaining = candidates.filter((m) => m.enabled);
  while (picked.length < count && remaining.length > 0) {
    const outcome = route(request, remaining, state, { maxFallbacks: 0 });
    if (!outcome.ok) break;
    picked.push(outcome.decision.modelId);
    remaining = remaining.filter((m) => m.id !== outcome.decision.modelId);
  }
  return picked;
}

/**
 * ANTS_CONSENSUS_MODELS in the order a round should add them: the registry's models that may vote, distinct and
 * best first as the router ranks them (those it would never give a vote are dropped), then the ids the registry does
 * not know, as listed (they are asked at the plain OpenAI-compatible endpoint).
 */
export function consensusModelOrder(ids: readonly string[], registry: readonly ModelSpec[], state: RouterState = EMPTY_ROUTER_STATE): string[] {
  const known = registry.filter((m) => ids.includes(m.id));
  const unknown = ids.filter((id) => !registry.some((m) => m.id === id));
  return [...pickVoterModels(known, known.length, state), ...new Set(unknown)];
}
