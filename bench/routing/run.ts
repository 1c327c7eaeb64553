import { loadRegistryFile } from '../../activities/models/registry-source.js';
import { customRoutersFrom } from '../../core/routing/custom-routers.js';
import { estimateCostUsd, type ModelSpec } from '../../core/routing/model.js';
import { route, type RouterState } from '../../core/routing/router.js';
import { REFERENCE_TOKENS, requestAt, syntheticModels, type WorkloadClass } from './workload.js';

/*
 * Model routing, priced with the shipped registry, side by side with its baseline (every request on GPT-4 Turbo):
 *   1. the reference mixed workload (100,000 requests) routed, every request's constraints checked;
 *   2. the router's decision latency with 50 registered models.
 *   npm run bench:routing [-- --requests 100000 --decisions 100000]
 */

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

const BASELINE_MODEL = 'gpt-4-turbo-2024-04-09';
const registry = loadRegistryFile('infra/models/registry.json');
// The shipped custom routers (safety-critical domains on the premium models, real-time requests on the fastest).
const customRouters = customRoutersFrom(registry.customRouters);
const byId = new Map(registry.models.map((m) => [m.id, m] as const));
const baseline = byId.get(BASELINE_MODEL) as ModelSpec;

/** Why `model` would break the request's constraints (empty = honoured). */
function violations(model: ModelSpec, workload: WorkloadClass): string[] {
  const problems: string[] = [];
  const cost = estimateCostUsd(model, REFERENCE_TOKENS.input, REFERENCE_TOKENS.output);
  const required = [...workload.requiredCapabilities, ...(registry.rules.find((r) => r.pattern === workload.agentType)?.requiredCapabilities ?? [])];
  for (const capability of required) if (!model.capabilities.includes(capability)) problems.push(`lacks ${capability}`);
  if (model.contextWindow < REFERENCE_TOKENS.input + REFERENCE_TOKENS.output) problems.push('context');
  if (workload.maxLatencyMs !== undefined && model.expectedLatencyMs > workload.maxLatencyMs) problems.push('latency');
  if (workload.maxCostUsd !== undefined && cost > workload.maxCostUsd) problems.push('cost');
  return problems;
}

function costRun(total: number) {
  const state: RouterState = { stats: new Map(), load: new Map() };
  const perTier = new Map<string, { requests: number; routedUsd: number; baselineUsd: number; models: Map<string, number> }>();
  let routedUsd = 0;
  let baselineUsd = 0;
  let violated = 0;
  let baselineViolated = 0;
  const baselineCost = estimateCostUsd(baseline, REFERENCE_TOKENS.input, REFERENCE_TOKENS.output);
  for (let i = 0; i < total; i += 1) {
    const { workload, request } = requestAt(i, total);
    const outcome = route(request, registry.models, state, { rules: registry.rules, customRouters });
    if (!outcome.ok) throw new Error(`request ${i} (${workload.agentType}) was refused: ${outcome.message}`);
    const model = byId.get(outcome.decision.modelId) as ModelSpec;
    const cost = estimateCostUsd(model, REFERENCE_TOKENS.input, REFERENCE_TOKENS.output);
    if (violations(model, workload).length > 0) violated += 1;
    if (violations(baseline, workload).length > 0) baselineViolated += 1;
    routedUsd += cost;
    baselineUsd += baselineCost;
    const tier = perTier.get(workload.tier) ?? { requests: 0, routedUsd: 0, baselineUsd: 0, models: new Map<string, number>() };
    tier.requests += 1;
    tier.routedUsd += cost;
    tier.baselineUsd += baselineCost;
    tier.models.set(model.id, (tier.models.get(model.id) ?? 0) + 1);
    perTier.set(workload.tier, tier);
  }
  return { routedUsd, baselineUsd, savingPct: (1 - routedUsd / baselineUsd) * 100, violated, baselineViolated, perTier };
}

function latencyRun(decisions: number) {
  const models = syntheticModels(50, registry.models);
  // Learned statistics and loads for every model, so scoring does its full work.
  const state: RouterState = {
    stats: new Map(models.map((m, i) => [m.id, { calls: 100 + i, successRate: 0.85 + (i % 10) / 100, latencyMs: m.expectedLatencyMs * (0.9 + (i % 3) / 10) }] as const)),
    load: new Map(models.map((m, i) => [m.id, (i % 11) / 10] as const)),
  };
  const samples = new Float64Array(decisions);
  const warmup = Math.min(5_000, decisions);
  for (let i = 0; i < warmup; i += 1) route(requestAt(i, decisions).request, models, state, { rules: registry.rules, customRouters });
  for (let i = 0; i < decisions; i += 1) {
    const { request } = requestAt(i, decisions);
    const started = performance.now();
    route(request, models, state, { rules: registry.rules, customRouters });
    samples[i] = performance.now() - started;
  }
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { models: models.length, decisions, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

const requests = argument('requests', 100_000);
const decisions = argument('decisions', 100_000);
const cost = costRun(requests);
const latency = latencyRun(decisions);

const money = (v: number) => `$${v.toFixed(2)}`;
console.log(`\nReference mixed workload: ${requests} requests of ${REFERENCE_TOKENS.input} input + ${REFERENCE_TOKENS.output} output tokens\n`);
console.log('| tier | requests | routed to | cost with routing | all on GPT-4 Turbo |');
console.log('|---|---:|---|---:|---:|');
for (const [tier, row] of cost.perTier) {
  const models = [...row.models].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} ×${n}`).join(', ');
  console.log(`| ${tier} | ${row.requests} | ${models} | ${money(row.routedUsd)} | ${money(row.baselineUsd)} |`);
}
console.log(`| **total** | ${requests} | | **${money(cost.routedUsd)}** | **${money(cost.baselineUsd)}** |`);
console.log(`\nsaving: ${cost.savingPct.toFixed(1)}% (target ≥ 79%); requests whose constraints the routed model breaks: ${cost.violated}; the baseline breaks ${cost.baselineViolated}`);
console.log(`router decision latency with ${latency.models} models over ${latency.decisions} decisions: p50 ${(latency.p50Ms * 1000).toFixed(1)} µs, p99 ${(latency.p99Ms * 1000).toFixed(1)} µs (target p99 < 1 ms)\n`);
console.log(
  JSON.stringify({
    workload: { requests, routedUsd: cost.routedUsd, baselineUsd: cost.baselineUsd, savingPct: cost.savingPct, constraintViolations: cost.violated, baselineConstraintViolations: cost.baselineViolated },
    tiers: Object.fromEntries([...cost.perTier].map(([tier, row]) => [tier, { requests: row.requests, routedUsd: row.routedUsd, baselineUsd: row.baselineUsd, models: Object.fromEntries(row.models) }])),
    decisionLatency: latency,
  }),
);
// A missed target fails the run (the figures above say by how much), so a regression cannot pass unnoticed.
const TARGETS = { savingPct: 79, p99Ms: 1 };
const missed = [
  cost.violated > 0 ? `${cost.violated} routed requests break their constraints` : '',
  cost.savingPct < TARGETS.savingPct ? `saving ${cost.savingPct.toFixed(1)}% is under ${TARGETS.savingPct}%` : '',
  latency.p99Ms >= TARGETS.p99Ms ? `decision p99 ${latency.p99Ms.toFixed(3)} ms is not under ${TARGETS.p99Ms} ms` : '',
].filter(Boolean);
if (missed.length > 0) {
  console.error(`targets missed: ${missed.join('; ')}`);
  process.exitCode = 1;
}
