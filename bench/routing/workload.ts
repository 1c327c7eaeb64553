import type { Capability, ModelSpec } from '../../core/routing/model.js';
import type { RoutingRequest } from '../../core/routing/router.js';

/*
 * The reference mixed workload (whitepaper §17.9): 60% simple, 30% medium, 10% complex requests, each of the
 * reference size (2,000 input + 500 output tokens), so the all-GPT-4-Turbo baseline is the reference $0.035 a
 * request. Each tier spreads over agent types that the shipped rules know and one they do not.
 */
export interface WorkloadClass {
  tier: 'simple' | 'medium' | 'complex';
  agentType: string;
  share: number;
  requiredCapabilities: Capability[];
  maxLatencyMs?: number;
  maxCostUsd?: number;
}

export const REFERENCE_TOKENS = { input: 2000, output: 500 } as const;

export const WORKLOAD: readonly WorkloadClass[] = [
  { tier: 'simple', agentType: 'chat.assistant', share: 0.3, requiredCapabilities: ['chat'], maxLatencyMs: 1500 },
  { tier: 'simple', agentType: 'hr.onboarding', share: 0.2, requiredCapabilities: ['chat', 'structured_output'] },
  { tier: 'simple', agentType: 'support.faq', share: 0.1, requiredCapabilities: ['chat'], maxCostUsd: 0.005 },
  { tier: 'medium', agentType: 'code.generation', share: 0.1, requiredCapabilities: ['code_generation', 'function_calling'] },
  { tier: 'medium', agentType: 'integration.builder', share: 0.1, requiredCapabilities: ['function_calling', 'structured_output'] },
  { tier: 'medium', agentType: 'selfops.secops', share: 0.1, requiredCapabilities: ['chat', 'function_calling', 'structured_output'] },
  { tier: 'complex', agentType: 'finance.reconciliation', share: 0.04, requiredCapabilities: ['numerical_reasoning', 'complex_reasoning'] },
  { tier: 'complex', agentType: 'medical.diagnosis', share: 0.03, requiredCapabilities: ['complex_reasoning'] },
  { tier: 'complex', agentType: 'document.analysis', share: 0.03, requiredCapabilities: ['complex_reasoning', 'long_context'] },
];

/** Deterministic: the i-th request of a workload of `total` (classes laid out by share, interleaved by a stride). */
export function requestAt(index: number, total: number): { workload: WorkloadClass; request: RoutingRequest } {
  const position = (index * 7919) % total; // 7919 is prime: spreads the classes over the run
  let cumulative = 0;
  let chosen = WORKLOAD[WORKLOAD.length - 1] as WorkloadClass;
  for (const workload of WORKLOAD) {
    cumulative += workload.share * total;
    if (position < cumulative) {
      chosen = workload;
      break;
    }
  }
  return {
    workload: chosen,
    request: {
      agentType: chosen.agentType,
      requiredCapabilities: chosen.requiredCapabilities,
      estimatedInputTokens: REFERENCE_TOKENS.input,
      estimatedOutputTokens: REFERENCE_TOKENS.output,
      maxLatencyMs: chosen.maxLatencyMs,
      maxCostUsd: chosen.maxCostUsd,
    },
  };
}

/** `count` synthetic models (for the decision-latency run): varied providers, prices, latencies and capabilities. */
export function syntheticModels(count: number, base: readonly ModelSpec[]): ModelSpec[] {
  const models: ModelSpec[] = [...base];
  for (let i = 0; models.length < count; i += 1) {
    const template = base[i % base.length] as ModelSpec;
    models.push({
      ...template,
      id: `${template.id}-variant-${i}`,
      displayName: `${template.displayName} variant ${i}`,
      pricing: { inputPerMTokUsd: template.pricing.inputPerMTokUsd * (0.8 + (i % 5) * 0.1), outputPerMTokUsd: template.pricing.outputPerMTokUsd * (0.8 + (i % 7) * 0.07) },
      expectedLatencyMs: Math.round(template.expectedLatencyMs * (0.7 + (i % 6) * 0.1)),
    });
  }
  return models;
}
