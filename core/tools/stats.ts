import type { ToolStats, ToolStatus } from './tool.js';

/*
 * How a tool earns trust. A generated tool starts in `testing`; after enough runs with a high enough success rate it
 * is promoted to `active` on its own. The rate is an exponential moving average, so a tool that starts failing
 * (its API changed) loses standing within a few runs instead of living off an old record.
 */
export const PROMOTION = { minRuns: 10, minSuccessRate: 0.9 } as const;
/** Weight of the newest run in the moving average: about the last ten runs dominate. */
export const SUCCESS_EMA_ALPHA = 0.2;

export const EMPTY_STATS: ToolStats = { runs: 0, successes: 0, successRate: 0, avgDurationMs: 0, lastUsedAt: null };

export interface ToolRun {
  ok: boolean;
  durationMs: number;
  at: string;
}

export function statsAfterRun(stats: ToolStats, run: ToolRun): ToolStats {
  const outcome = run.ok ? 1 : 0;
  const runs = stats.runs + 1;
  return {
    runs,
    successes: stats.successes + outcome,
    successRate: stats.runs === 0 ? outcome : SUCCESS_EMA_ALPHA * outcome + (1 - SUCCESS_EMA_ALPHA) * stats.successRate,
    avgDurationMs: stats.avgDurationMs + (Math.max(0, run.durationMs) - stats.avgDurationMs) / runs,
    lastUsedAt: run.at,
  };
}

/** The status after a run: only `testing` moves by itself; people deprecate. */
export function statusAfterRun(status: ToolStatus, stats: ToolStats): ToolStatus {
  return status === 'testing' && stats.runs >= PROMOTION.minRuns && stats.successRate >= PROMOTION.minSuccessRate ? 'active' : status;
}

/** Runs still needed before promotion can happen (0 once the count is met; the rate may still fall short). */
export function runsUntilPromotion(stats: ToolStats): number {
  return Math.max(0, PROMOTION.minRuns - stats.runs);
}
