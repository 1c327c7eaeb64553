/** What a tenant may still spend on models today; undefined when it has no daily budget. */
export function budgetRemaining(dailyBudgetUsd: number | undefined, spentTodayUsd: number): number | undefined {
  return dailyBudgetUsd === undefined ? undefined : Math.max(0, dailyBudgetUsd - spentTodayUsd);
}

/** The UTC day a call is counted in (costs are reported and budgets reset per UTC day). */
export function utcDay(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** How cost reports can be grouped: per UTC day, agent type, model or task. */
export const COST_GROUPS = ['day', 'agent', 'model', 'task'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];
