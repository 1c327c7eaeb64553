/**
 * What the router knows of a model from its past calls: exponential moving averages of success and latency, so
 * recent behaviour counts most and one slow call does not define a model.
 */
export interface ModelStats {
  calls: number;
  /** 0..1 */
  successRate: number;
  latencyMs: number;
}

/** Weight of the newest call in the averages. */
export const EMA_ALPHA = 0.2;
/** What an untried model is assumed to achieve: good, but below a model with a proven record. */
export const PRIOR_SUCCESS_RATE = 0.9;

export interface CallOutcome {
  success: boolean;
  latencyMs: number;
}

export function updateStats(previous: ModelStats | undefined, outcome: CallOutcome, alpha = EMA_ALPHA): ModelStats {
  const success = outcome.success ? 1 : 0;
  if (!previous || previous.calls === 0) {
    return { calls: 1, successRate: alpha * success + (1 - alpha) * PRIOR_SUCCESS_RATE, latencyMs: outcome.latencyMs };
  }
  return {
    calls: previous.calls + 1,
    successRate: alpha * success + (1 - alpha) * previous.successRate,
    // A fast failure (refused at once) says nothing about how long an answer takes.
    latencyMs: outcome.success ? alpha * outcome.latencyMs + (1 - alpha) * previous.latencyMs : previous.latencyMs,
  };
}
