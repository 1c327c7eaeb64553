import { describe, expect, it } from 'vitest';
import { ModelLimiter } from '../../activities/models/limiter.js';
import { loadRegistryFile } from '../../activities/models/registry-source.js';
import { budgetRemaining } from '../../core/routing/budget.js';
import { businessHoursRouter, customRoutersFrom, realtimeRouter, safetyCriticalRouter } from '../../core/routing/custom-routers.js';
import { matchesGlob } from '../../core/routing/glob.js';
import { PRIOR_SUCCESS_RATE, updateStats } from '../../core/routing/learning.js';
import { estimateCostUsd, modelSpecSchema, type ModelSpec } from '../../core/routing/model.js';
import { registryFileSchema } from '../../core/routing/registry.js';
import { taskSubmission } from '../../core/tasks/submission.js';
import { findRule, route, type RouterState, type RoutingRequest } from '../../core/routing/router.js';

const shipped = loadRegistryFile('infra/models/registry.json');
const models = shipped.models;
const byId = (id: string) => models.find((m) => m.id === id) as ModelSpec;
const empty: RouterState = { stats: new Map(), load: new Map() };
const ask = (overrides: Partial<RoutingRequest> = {}): RoutingRequest => ({
  agentType: 'generic.agent',
  requiredCapabilities: ['chat'],
  estimatedInputTokens: 2000,
  estimatedOutputTokens: 500,
  ...overrides,
});
function decided(outcome: ReturnType<typeof route>) {
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.decision;
}

describe('the shipped registry', () => {
  it('carries the whitepaper table: prices per million tokens and context windows', () => {
    expect(byId('gpt-4-turbo-2024-04-09')).toMatchObject({ provider: 'azure-openai', contextWindow: 128_000, pricing: { inputPerMTokUsd: 10, outputPerMTokUsd: 30 } });
    expect(byId('gpt-35-turbo-0125')).toMatchObject({ contextWindow: 16_385, pricing: { inputPerMTokUsd: 0.5, outputPerMTokUsd: 1.5 } });
    expect(byId('claude-opus-4')).toMatchObject({ provider: 'anthropic', contextWindow: 200_000, pricing: { inputPerMTokUsd: 15, outputPerMTokUsd: 75 } });
    expect(byId('claude-sonnet-4').pricing).toEqual({ inputPerMTokUsd: 3, outputPerMTokUsd: 15 });
    expect(byId('claude-haiku-4').pricing).toEqual({ inputPerMTokUsd: 0.25, outputPerMTokUsd: 1.25 });
    expect(byId('gemini-1.5-pro')).toMatchObject({ provider: 'gemini', contextWindow: 2_000_000, pricing: { inputPerMTokUsd: 3.5, outputPerMTokUsd: 10.5 } });
    expect(byId('functiongemma-7b')).toMatchObject({ contextWindow: 8192, pricing: { inputPerMTokUsd: 0.1, outputPerMTokUsd: 0.3 } });
    expect(byId('playbook')).toMatchObject({ provider: 'playbook', pricing: { inputPerMTokUsd: 0, outputPerMTokUsd: 0 } });
    // The reference request (2K in + 500 out) on GPT-4 Turbo is the whitepaper's $0.035.
    expect(estimateCostUsd(byId('gpt-4-turbo-2024-04-09'), 2000, 500)).toBeCloseTo(0.035, 10);
  });

  it('refuses an invalid registry with the offending field', () => {
    const bad = registryFileSchema.safeParse({ models: [{ ...byId('claude-haiku-4'), pricing: { inputPerMTokUsd: -1, outputPerMTokUsd: 1 } }], rules: [{ pattern: 'x.*', preferredModels: ['nope'] }] });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths).toContain('models.0.pricing.inputPerMTokUsd');
    expect(paths).toContain('rules.0.preferredModels');
    expect(modelSpecSchema.safeParse({ ...byId('claude-haiku-4'), deployments: [] }).success).toBe(false);
  });
});

describe('custom routers as configuration', () => {
  it('ships safety-critical domains on the premium models and real-time requests on the fastest, in the listed order', () => {
    const routers = customRoutersFrom(shipped.customRouters);
    expect(routers.map((r) => r.name)).toEqual(['safety-critical', 'safety-critical', 'realtime']);
    const options = { rules: shipped.rules, customRouters: routers };
    expect(decided(route(ask({ agentType: 'healthcare.patient_triage' }), models, empty, options))).toMatchObject({ modelId: 'gpt-4-turbo-2024-04-09', customRouter: 'safety-critical' });
    expect(decided(route(ask({ agentType: 'legal.contract_review' }), models, empty, options))).toMatchObject({ modelId: 'claude-opus-4', customRouter: 'safety-critical' });
    const fastest = decided(route(ask({ agentType: 'support.chat', maxLatencyMs: 900 }), models, empty, options));
    expect(fastest.customRouter).toBe('realtime');
    expect(byId(fastest.modelId).expectedLatencyMs).toBe(Math.min(...models.filter((m) => m.enabled && m.capabilities.includes('chat')).map((m) => m.expectedLatencyMs)));
    // Nothing pins an ordinary request: it is scored.
    expect(decided(route(ask({ agentType: 'hr.onboarding' }), models, empty, options)).customRouter).toBeUndefined();
  });

  it('builds a business-hours router from its settings', () => {
    const [hours] = customRoutersFrom([{ kind: 'business-hours', pattern: 'chat.*', startHour: 9, endHour: 18, inHoursModel: 'claude-haiku-4', offHoursModel: 'claude-sonnet-4' }]);
    const options = { customRouters: hours ? [hours] : [] };
    expect(decided(route(ask({ agentType: 'chat.x', at: '2025-03-03T10:00:00Z' }), models, empty, options)).modelId).toBe('claude-haiku-4');
    expect(decided(route(ask({ agentType: 'chat.x', at: '2025-03-03T20:00:00Z' }), models, empty, options)).modelId).toBe('claude-sonnet-4');
  });

  it('refuses a router that pins an unknown model, an unknown kind, or hours that end before they start', () => {
    const base = { models: [byId('claude-haiku-4'), byId('claude-sonnet-4')] };
    const paths = (customRouters: unknown[]) => registryFileSchema.safeParse({ ...base, customRouters }).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths([{ kind: 'safety-critical', patterns: ['medical.*'], model: 'gpt-9' }])).toEqual(['customRouters.0']);
    expect(paths([{ kind: 'coin-toss' }])).toEqual(['customRouters.0.kind']);
    expect(paths([{ kind: 'business-hours', pattern: 'chat.*', startHour: 18, endHour: 9, inHoursModel: 'claude-haiku-4', offHoursModel: 'claude-sonnet-4' }])).toEqual(['customRouters.0.endHour']);
    expect(paths([{ kind: 'realtime' }])).toEqual([]);
  });
});

describe("a task's own model constraints", () => {
  const submission = { taskId: 't-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: {} };
  it('are optional, narrow only, and name the field that is wrong', () => {
    expect(taskSubmission.parse(submission).modelConstraints).toBeUndefined();
    expect(taskSubmission.parse({ ...submission, modelConstraints: { maxLatencyMs: 900, minContextTokens: 100_000 } }).modelConstraints).toEqual({ maxLatencyMs: 900, minContextTokens: 100_000 });
    const bad = taskSubmission.safeParse({ ...submission, modelConstraints: { maxCostUsd: -1, temperature: 2 } });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['modelConstraints', 'modelConstraints.maxCostUsd']);
  });
});

describe('scoring', () => {
  it('picks the cheapest, fastest model that has the capabilities, and orders the fallbacks by score', () => {
    const decision = decided(route(ask(), models, empty));
    expect(decision.modelId).toBe('claude-haiku-4');
    expect(decision.fallbacks).toEqual(['gpt-35-turbo-0125', 'claude-sonnet-4', 'gemini-1.5-pro']);
    expect(decision.estimatedCostUsd).toBeCloseTo(0.001125, 9);
    expect(decision.estimatedLatencyMs).toBe(800);
    expect(decision.confidence).toBeGreaterThan(0.5);
    expect(decision.confidence).toBeLessThanOrEqual(1);
    expect(decision.reason).toMatch(/score .* eligible/);
  });

  it('weighs capability 40, cost 30, latency 20 and success 10, with the load bonus below 0.3', () => {
    const two = [byId('claude-haiku-4'), byId('gpt-4-turbo-2024-04-09')];
    const decision = decided(route(ask(), two, empty));
    // Haiku: 40 + 30·(1 − 0.001125/0.035) + 20·(1 − 800/3000) + 10·0.9 + 5 (idle)
    const expected = 40 + 30 * (1 - 0.001125 / 0.035) + 20 * (1 - 800 / 3000) + 10 * PRIOR_SUCCESS_RATE + 5;
    expect(decision.score).toBeCloseTo(Math.round(expected * 10) / 10, 5);
  });

  it('penalises a model loaded above 0.8 and learns from history', () => {
    const loaded: RouterState = { stats: new Map(), load: new Map([['claude-haiku-4', 0.95]]) };
    expect(decided(route(ask(), models, loaded)).modelId).toBe('gpt-35-turbo-0125');
    const unreliable: RouterState = { stats: new Map([['claude-haiku-4', { calls: 50, successRate: 0.1, latencyMs: 2900 }]]), load: new Map() };
    expect(decided(route(ask(), models, unreliable)).modelId).toBe('gpt-35-turbo-0125');
  });

  it('is deterministic: the order of the registry does not change the decision', () => {
    const forward = decided(route(ask(), models, empty));
    const backward = decided(route(ask(), [...models].reverse(), empty));
    expect(backward).toEqual(forward);
  });
});

describe('rules, constraints and custom routers', () => {
  it('matches agent types with globs, the most specific rule first', () => {
    expect(matchesGlob('finance.*', 'finance.reconciliation')).toBe(true);
    expect(matchesGlob('finance.*', 'financeX')).toBe(false);
    expect(matchesGlob('hr.?nboarding', 'hr.onboarding')).toBe(true);
    const rules = [{ pattern: '*', preferredModels: ['a'] }, { pattern: 'finance.*', preferredModels: ['b'] }, { pattern: 'finance.reconciliation', preferredModels: ['c'] }];
    expect(findRule(rules, 'finance.reconciliation')?.preferredModels).toEqual(['c']);
    expect(findRule(rules, 'finance.audit')?.preferredModels).toEqual(['b']);
    expect(findRule(rules, 'hr.onboarding')?.preferredModels).toEqual(['a']);
  });

  it("ranks a rule's preferred models first, by score among themselves", () => {
    const code = decided(route(ask({ agentType: 'code.generation', requiredCapabilities: ['code_generation'] }), models, empty, { rules: shipped.rules }));
    expect(code.modelId).toBe('claude-sonnet-4');
    expect(code.fallbacks[0]).toBe('claude-opus-4');
    expect(code.rule).toBe('code.*');
    const finance = decided(route(ask({ agentType: 'finance.reconciliation' }), models, empty, { rules: shipped.rules }));
    expect(finance.modelId).toBe('gpt-4-turbo-2024-04-09');
    expect(finance.fallbacks).toContain('claude-haiku-4');
  });

  it('filters by capability, context, latency and cost', () => {
    expect(decided(route(ask({ requiredCapabilities: ['function_calling', 'code_generation'] }), models, empty)).modelId).toBe('functiongemma-7b');
    expect(decided(route(ask({ estimatedInputTokens: 500_000 }), models, empty)).modelId).toBe('gemini-1.5-pro');
    const fast = decided(route(ask({ maxLatencyMs: 850 }), models, empty));
    expect(fast.modelId).toBe('claude-haiku-4');
    expect(fast.fallbacks).toEqual([]);
    const cheap = decided(route(ask({ requiredCapabilities: ['complex_reasoning'], maxCostUsd: 0.02 }), models, empty));
    expect(cheap.modelId).toBe('gemini-1.5-pro');
  });

  it('answers "no model satisfies" with what was asked and the closest candidates', () => {
    const outcome = route(ask({ requiredCapabilities: ['vision', 'complex_reasoning'], maxCostUsd: 0.001 }), models, empty);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.code).toBe('no_model');
    expect(outcome.message).toMatch(/^no model satisfies the request for generic\.agent: it needs capabilities vision, complex_reasoning/);
    expect(outcome.message).toMatch(/cost ≤ \$0\.0010/);
    expect(outcome.message).toMatch(/closest: /);
    expect(route(ask(), [], empty)).toMatchObject({ ok: false, code: 'no_model', message: expect.stringMatching(/no model is enabled/) });
    expect(route(ask(), models.map((m) => ({ ...m, enabled: false })), empty).ok).toBe(false);
  });

  it('lets a custom router pin a model, but never past the context or the budget', () => {
    const routers = [safetyCriticalRouter(['medical.*'], 'gpt-4-turbo-2024-04-09')];
    const medical = decided(route(ask({ agentType: 'medical.diagnosis' }), models, empty, { customRouters: routers }));
    expect(medical).toMatchObject({ modelId: 'gpt-4-turbo-2024-04-09', customRouter: 'safety-critical' });
    expect(medical.fallbacks[0]).toBe('claude-haiku-4');
    const tooBig = decided(route(ask({ agentType: 'medical.diagnosis', estimatedInputTokens: 500_000 }), models, empty, { customRouters: routers }));
    expect(tooBig.modelId).toBe('gemini-1.5-pro');
    const realtime = decided(route(ask({ maxLatencyMs: 900 }), models, empty, { customRouters: [realtimeRouter(1000)] }));
    expect(realtime).toMatchObject({ modelId: 'claude-haiku-4', customRouter: 'realtime' });
    const hours = businessHoursRouter({ pattern: 'chat.*', startHour: 9, endHour: 17, inHours: 'claude-haiku-4', offHours: 'claude-sonnet-4' });
    expect(decided(route(ask({ agentType: 'chat.x', at: '2025-03-03T10:00:00Z' }), models, empty, { customRouters: [hours] })).modelId).toBe('claude-haiku-4');
    expect(decided(route(ask({ agentType: 'chat.x', at: '2025-03-03T22:00:00Z' }), models, empty, { customRouters: [hours] })).modelId).toBe('claude-sonnet-4');
  });
});

describe('budgets', () => {
  it('downgrades to a cheaper model that meets the constraints when the daily budget is short', () => {
    const request = ask({ agentType: 'finance.reconciliation', requiredCapabilities: ['numerical_reasoning'] });
    expect(decided(route(request, models, empty, { rules: shipped.rules })).modelId).toBe('gpt-4-turbo-2024-04-09');
    const short = decided(route({ ...request, budgetRemainingUsd: budgetRemaining(1, 0.98) }, models, empty, { rules: shipped.rules }));
    expect(short.modelId).toBe('claude-sonnet-4');
    expect(short.downgraded).toBe(true);
    expect(short.reason).toMatch(/downgraded from gpt-4-turbo-2024-04-09: the tenant's daily budget has \$0\.02\d* left/);
  });

  it('refuses clearly when no model that meets the constraints fits the budget', () => {
    const outcome = route(ask({ requiredCapabilities: ['complex_reasoning'], budgetRemainingUsd: budgetRemaining(5, 5) }), models, empty);
    expect(outcome).toMatchObject({ ok: false, code: 'budget_exhausted' });
    if (!outcome.ok) expect(outcome.message).toMatch(/daily model budget has \$0\.0 left and the cheapest model that meets the constraints .*\(gemini-1\.5-pro\) costs about \$0\.012/);
  });
});

describe('learning', () => {
  it('keeps exponential moving averages of success and latency', () => {
    let stats = updateStats(undefined, { success: true, latencyMs: 1000 });
    expect(stats).toEqual({ calls: 1, successRate: 0.2 + 0.8 * PRIOR_SUCCESS_RATE, latencyMs: 1000 });
    stats = updateStats(stats, { success: false, latencyMs: 5 });
    expect(stats.calls).toBe(2);
    expect(stats.successRate).toBeCloseTo(0.8 * (0.2 + 0.8 * PRIOR_SUCCESS_RATE), 10);
    expect(stats.latencyMs).toBe(1000); // a fast failure does not make a model look fast
    stats = updateStats(stats, { success: true, latencyMs: 2000 });
    expect(stats.latencyMs).toBeCloseTo(1200, 10);
  });
});

describe('the limiter of the models pool', () => {
  it('queues calls beyond the provider concurrency and releases them in order; balances deployments', async () => {
    const model: ModelSpec = { ...byId('claude-haiku-4'), deployments: [{ id: 'd1', useEntraId: false, maxConcurrency: 1 }, { id: 'd2', useEntraId: false, maxConcurrency: 1 }] };
    const limiter = new ModelLimiter({ anthropic: { maxConcurrency: 2, maxPerSecond: 1000 } });
    const first = await limiter.acquire(model);
    const second = await limiter.acquire(model);
    expect([first.deployment.id, second.deployment.id]).toEqual(['d1', 'd2']);
    expect(limiter.load(model)).toBe(1);
    const order: number[] = [];
    const queued = [1, 2, 3].map((n) => limiter.acquire(model).then((slot) => (order.push(n), slot)));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    expect(limiter.load(model)).toBe(2.5); // 2 in flight + 3 waiting over a capacity of 2
    first.release();
    const third = await queued[0];
    expect(third?.deployment.id).toBe('d1');
    second.release();
    third?.release();
    for (const slot of await Promise.all(queued)) slot.release();
    expect(order).toEqual([1, 2, 3]);
    expect(limiter.load(model)).toBe(0);
  });

  it('holds starts to the provider rate, and a cancelled waiter leaves the queue', async () => {
    let now = 0;
    const limiter = new ModelLimiter({ gemini: { maxConcurrency: 10, maxPerSecond: 2 } }, () => now);
    const model = byId('functiongemma-7b');
    const slots = [await limiter.acquire(model), await limiter.acquire(model)];
    const abort = new AbortController();
    const cancelled = limiter.acquire(model, abort.signal);
    abort.abort();
    await expect(cancelled).rejects.toThrow(/cancelled/);
    let started = false;
    const third = limiter.acquire(model).then((slot) => ((started = true), slot));
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toBe(false);
    now = 1001;
    (await third).release();
    for (const slot of slots) slot.release();
    expect(started).toBe(true);
  });
});
