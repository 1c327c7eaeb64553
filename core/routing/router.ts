import { matchesGlob, specificity } from './glob.js';
import { PRIOR_SUCCESS_RATE, type ModelStats } from './learning.js';
import { estimateCostUsd, type Capability, type ModelSpec, type ProviderName } from './model.js';

/*
 * The router: which model answers a request, and which ones to try after it. Pure and deterministic (the clock,
 * the statistics and the loads are inputs), so a decision can be recomputed and tested exactly.
 *
 * Order: custom routers → agent-type rule (glob) → capability filter → constraints (context, latency, cost, budget)
 * → score → best + ordered fallbacks.
 */

export interface RoutingRequest {
  agentType: string;
  taskType?: string;
  requiredCapabilities: readonly Capability[];
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
  maxCostUsd?: number;
  maxLatencyMs?: number;
  minContextTokens?: number;
  /** What the tenant may still spend today; absent when the tenant has no daily budget. */
  budgetRemainingUsd?: number;
  /** When the request was made (ISO 8601), for routers that depend on the time of day. */
  at?: string;
}

/** What a single task may ask of the models that reason for it (on top of the service-wide and rule limits). */
export type ModelConstraints = Pick<RoutingRequest, 'maxCostUsd' | 'maxLatencyMs' | 'minContextTokens'>;

/** The tighter of two optional limits. */
export function tighter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Agent types matching `pattern` prefer these models (ranked by score among themselves) and may tighten the request. */
export interface RoutingRule {
  pattern: string;
  preferredModels: string[];
  requiredCapabilities?: Capability[];
  maxCostUsd?: number;
  maxLatencyMs?: number;
}

/** A registered function that may pin the model for a request (safety-critical domains, real time, business hours, …). */
export interface CustomRouter {
  name: string;
  route(request: RoutingRequest, models: readonly ModelSpec[]): { modelId: string; reason: string } | undefined;
}

export interface RouterState {
  stats: ReadonlyMap<string, ModelStats>;
  /** In-flight calls / capacity per model, 0..1 (and above when queued). */
  load: ReadonlyMap<string, number>;
}

export interface RouterOptions {
  rules?: readonly RoutingRule[];
  customRouters?: readonly CustomRouter[];
  maxFallbacks?: number;
}

export interface RoutingDecision {
  modelId: string;
  provider: ProviderName;
  fallbacks: string[];
  reason: string;
  estimatedCostUsd: number;
  estimatedLatencyMs: number;
  /** 0..1: how clearly this model is the right one (its score, and its lead over the runner-up). */
  confidence: number;
  score: number;
  rule?: string;
  customRouter?: string;
  /** A better-scoring model was set aside because the tenant's daily budget could not pay for it. */
  downgraded: boolean;
  /** Models that met every constraint. */
  eligible: number;
}

export type RoutingFailureCode = 'no_model' | 'budget_exhausted';
export type RoutingOutcome = { ok: true; decision: RoutingDecision } | { ok: false; code: RoutingFailureCode; message: string };

export const SCORE_WEIGHTS = { capability: 40, cost: 30, latency: 20, success: 10 } as const;
export const LOAD_PENALTY = { above: 0.8, penalty: 10, below: 0.3, bonus: 5 } as const;
const MAX_SCORE = SCORE_WEIGHTS.capability + SCORE_WEIGHTS.cost + SCORE_WEIGHTS.latency + SCORE_WEIGHTS.success + LOAD_PENALTY.bonus;
const DEFAULT_MAX_FALLBACKS = 3;

export const EMPTY_ROUTER_STATE: RouterState = { stats: new Map(), load: new Map() };

interface Evaluation {
  model: ModelSpec;
  cost: number;
  latency: number;
  successRate: number;
  load: number;
  /** Why the model cannot take the request, budget aside; empty when it can. */
  problems: string[];
  overBudget: boolean;
  score: number;
}

export function findRule(rules: readonly RoutingRule[] | undefined, agentType: string): RoutingRule | undefined {
  let best: RoutingRule | undefined;
  for (const rule of rules ?? []) {
    if (matchesGlob(rule.pattern, agentType) && (!best || specificity(rule.pattern) > specificity(best.pattern))) best = rule;
  }
  return best;
}

const minDefined = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
const usd = (value: number) => `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(4)}`;

export function route(request: RoutingRequest, models: readonly ModelSpec[], state: RouterState = EMPTY_ROUTER_STATE, options: RouterOptions = {}): RoutingOutcome {
  const rule = findRule(options.rules, request.agentType);
  const required = [...new Set([...request.requiredCapabilities, ...(rule?.requiredCapabilities ?? [])])];
  const maxCost = minDefined(request.maxCostUsd, rule?.maxCostUsd);
  const maxLatency = minDefined(request.maxLatencyMs, rule?.maxLatencyMs);
  const minContext = Math.max(request.minContextTokens ?? 0, request.estimatedInputTokens + request.estimatedOutputTokens);
  const budget = request.budgetRemainingUsd;

  const evaluations: Evaluation[] = [];
  for (const model of models) {
    if (!model.enabled) continue;
    const stats = state.stats.get(model.id);
    const known = stats !== undefined && stats.calls > 0;
    const evaluation: Evaluation = {
      model,
      cost: estimateCostUsd(model, request.estimatedInputTokens, request.estimatedOutputTokens),
      latency: known ? stats.latencyMs : model.expectedLatencyMs,
      successRate: known ? stats.successRate : PRIOR_SUCCESS_RATE,
      load: state.load.get(model.id) ?? 0,
      problems: [],
      overBudget: false,
      score: 0,
    };
    const missing = required.filter((c) => !model.capabilities.includes(c));
    if (missing.length > 0) evaluation.problems.push(`lacks ${missing.join(', ')}`);
    if (model.contextWindow < minContext) evaluation.problems.push(`context ${model.contextWindow} < ${minContext}`);
    if (maxLatency !== undefined && evaluation.latency > maxLatency) evaluation.problems.push(`latency ~${Math.round(evaluation.latency)} ms > ${maxLatency} ms`);
    if (maxCost !== undefined && evaluation.cost > maxCost) evaluation.problems.push(`cost ~${usd(evaluation.cost)} > ${usd(maxCost)}`);
    evaluation.overBudget = budget !== undefined && evaluation.cost > budget;
    evaluations.push(evaluation);
  }

  const feasible = evaluations.filter((e) => e.problems.length === 0);
  scoreAll(feasible, maxCost, maxLatency);
  feasible.sort(byScore);
  const eligible = feasible.filter((e) => !e.overBudget);

  if (eligible.length === 0) return failure(request, required, minContext, maxCost, maxLatency, budget, evaluations, feasible);

  const maxFallbacks = options.maxFallbacks ?? DEFAULT_MAX_FALLBACKS;
  const pinned = pinByCustomRouter(request, evaluations, options.customRouters);
  if (pinned) {
    const { evaluation, router, reason } = pinned;
    const rest = eligible.filter((e) => e !== evaluation);
    return decide(evaluation, rest, maxFallbacks, {
      reason: `custom router ${router}: ${reason}`,
      confidence: round3(evaluation.successRate),
      customRouter: router,
      downgraded: false,
      eligible: eligible.length,
    });
  }

  const { ordered, note: ruleNote, preferred } = orderByRule(eligible, rule);
  const best = ordered[0] as Evaluation;
  const runnerUp = ordered[1];
  // What would have been chosen with money no object: when that was set aside for the budget, say so.
  const unconstrained = orderByRule(feasible, rule).ordered[0];
  const downgraded = unconstrained !== undefined && unconstrained !== best && unconstrained.overBudget;
  const gap = runnerUp ? best.score - runnerUp.score : 10;
  const reason =
    `${ruleNote}score ${best.score.toFixed(1)} of ${eligible.length} eligible` +
    ` (est. ${usd(best.cost)}, ~${Math.round(best.latency)} ms, success ${(best.successRate * 100).toFixed(0)}%)` +
    (downgraded ? `; downgraded from ${unconstrained?.model.id}: the tenant's daily budget has ${usd(budget ?? 0)} left` : '');
  return decide(best, ordered.slice(1), maxFallbacks, {
    reason,
    confidence: round3(Math.min(1, 0.8 * (best.score / MAX_SCORE) + 0.2 * Math.min(1, Math.max(0, gap) / 10))),
    rule: preferred ? rule?.pattern : undefined,
    downgraded,
    eligible: eligible.length,
  });
}

/** A rule's preferred models that made it through the filters go first (ranked by score), the others follow. */
function orderByRule(candidates: Evaluation[], rule: RoutingRule | undefined): { ordered: Evaluation[]; note: string; preferred: boolean } {
  if (!rule) return { ordered: candidates, note: '', preferred: false };
  const preferred = candidates.filter((e) => rule.preferredModels.includes(e.model.id));
  if (preferred.length === 0) return { ordered: candidates, note: `no preferred model of ${rule.pattern} meets the constraints; `, preferred: false };
  return { ordered: [...preferred, ...candidates.filter((e) => !preferred.includes(e))], note: `preferred for ${rule.pattern}; `, preferred: true };
}

function scoreAll(evaluations: Evaluation[], maxCost: number | undefined, maxLatency: number | undefined): void {
  let costRef = maxCost ?? 0;
  let latencyRef = maxLatency ?? 0;
  if (maxCost === undefined) for (const e of evaluations) costRef = Math.max(costRef, e.cost);
  if (maxLatency === undefined) for (const e of evaluations) latencyRef = Math.max(latencyRef, e.latency);
  for (const e of evaluations) {
    let score = SCORE_WEIGHTS.capability;
    score += costRef > 0 ? SCORE_WEIGHTS.cost * (1 - Math.min(e.cost, costRef) / costRef) : SCORE_WEIGHTS.cost;
    score += latencyRef > 0 ? SCORE_WEIGHTS.latency * (1 - Math.min(e.latency, latencyRef) / latencyRef) : SCORE_WEIGHTS.latency;
    score += SCORE_WEIGHTS.success * e.successRate;
    if (e.load > LOAD_PENALTY.above) score -= LOAD_PENALTY.penalty;
    else if (e.load < LOAD_PENALTY.below) score += LOAD_PENALTY.bonus;
    e.score = score;
  }
}

/** Higher score first; ties go to the cheaper model, then the id, so the order never depends on input order. */
function byScore(a: Evaluation, b: Evaluation): number {
  return b.score - a.score || a.cost - b.cost || (a.model.id < b.model.id ? -1 : a.model.id > b.model.id ? 1 : 0);
}

function pinByCustomRouter(request: RoutingRequest, evaluations: Evaluation[], routers: readonly CustomRouter[] | undefined) {
  if (!routers || routers.length === 0) return undefined;
  const models = evaluations.map((e) => e.model);
  for (const router of routers) {
    const pick = router.route(request, models);
    if (!pick) continue;
    const evaluation = evaluations.find((e) => e.model.id === pick.modelId);
    // A pinned model still has to fit: a router cannot push a request past its context, cost or budget.
    if (evaluation && evaluation.problems.every((p) => p.startsWith('lacks ') || p.startsWith('latency ')) && !evaluation.overBudget) {
      return { evaluation, router: router.name, reason: pick.reason };
    }
  }
  return undefined;
}

function decide(
  best: Evaluation,
  rest: Evaluation[],
  maxFallbacks: number,
  details: Pick<RoutingDecision, 'reason' | 'confidence' | 'downgraded' | 'eligible'> & Partial<Pick<RoutingDecision, 'rule' | 'customRouter'>>,
): RoutingOutcome {
  return {
    ok: true,
    decision: {
      modelId: best.model.id,
      provider: best.model.provider,
      fallbacks: rest.slice(0, maxFallbacks).map((e) => e.model.id),
      estimatedCostUsd: best.cost,
      estimatedLatencyMs: Math.round(best.latency),
      score: Math.round(best.score * 10) / 10,
      ...details,
    },
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function failure(
  request: RoutingRequest,
  required: string[],
  minContext: number,
  maxCost: number | undefined,
  maxLatency: number | undefined,
  budget: number | undefined,
  evaluations: Evaluation[],
  feasible: Evaluation[],
): RoutingOutcome {
  const cheapest = [...feasible].sort((a, b) => a.cost - b.cost)[0];
  if (cheapest && budget !== undefined) {
    return {
      ok: false,
      code: 'budget_exhausted',
      message:
        `the tenant's daily model budget has ${usd(Math.max(0, budget))} left and the cheapest model that meets the constraints ` +
        `for ${request.agentType} (${cheapest.model.id}) costs about ${usd(cheapest.cost)}: refused`,
    };
  }
  const wanted = [
    required.length > 0 ? `capabilities ${required.join(', ')}` : undefined,
    `context ≥ ${minContext} tokens`,
    maxLatency !== undefined ? `latency ≤ ${maxLatency} ms` : undefined,
    maxCost !== undefined ? `cost ≤ ${usd(maxCost)}` : undefined,
  ].filter((part) => part !== undefined);
  const closest = [...evaluations]
    .sort((a, b) => a.problems.length - b.problems.length || a.cost - b.cost)
    .slice(0, 3)
    .map((e) => `${e.model.id} (${e.problems.join('; ')})`);
  return {
    ok: false,
    code: 'no_model',
    message:
      `no model satisfies the request for ${request.agentType}: it needs ${wanted.join(', ')}; ` +
      (closest.length > 0 ? `closest: ${closest.join(', ')}` : 'no model is enabled'),
  };
}
