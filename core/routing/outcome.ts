import type { RoutingDecision } from './router.js';

/** One provider call made for a step: which model and deployment, how it ended, what it cost. */
export interface ModelCallSummary {
  modelId: string;
  deploymentId: string;
  outcome: 'answered' | 'failed';
  errorKind?: string;
  error?: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** What a routed step carries in its result (and so in the Temporal UI): the decision, the calls, the total cost. */
export interface ModelRouting {
  decision: RoutingDecision;
  /** The model whose answer was used (the first choice, or the fallback that answered). */
  usedModel: string;
  calls: ModelCallSummary[];
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}
