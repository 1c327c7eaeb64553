/*
 * The cost model of an agent instance (whitepaper §10.3 E). Running: compute $0.10/h, LLM $0.002 per 1K tokens at
 * an average of 50K tokens/h ($0.10/h) and storage $0.01/h — $0.21/h. Sleeping: only the persisted state's
 * storage, $0.01/h. Every figure is configurable; these are the defaults.
 */
export interface CostModel {
  computePerHour: number;
  llmPerThousandTokens: number;
  /** Used to estimate LLM spend for running hours whose tokens were not metered. */
  estimatedTokensPerActiveHour: number;
  storagePerHour: number;
}

export const DEFAULT_COST_MODEL: CostModel = {
  computePerHour: 0.1,
  llmPerThousandTokens: 0.002,
  estimatedTokensPerActiveHour: 50_000,
  storagePerHour: 0.01,
};

const HOUR_MS = 3_600_000;

const roundUsd = (dollars: number) => Math.round(dollars * 1_000_000) / 1_000_000;

export function activeHourlyCost(model: CostModel): number {
  return roundUsd(model.computePerHour + (model.estimatedTokensPerActiveHour / 1000) * model.llmPerThousandTokens + model.storagePerHour);
}

export function sleepingHourlyCost(model: CostModel): number {
  return roundUsd(model.storagePerHour);
}

/** What an agent instance has used: running vs sleeping time and metered tokens. */
export interface AgentUsage {
  activeMs: number;
  sleepingMs: number;
  tokens: number;
}

export interface AgentCost {
  activeHours: number;
  sleepingHours: number;
  tokens: number;
  computeUsd: number;
  llmUsd: number;
  /** `metered` when tokens were reported for this agent's tasks, else the model's per-hour estimate. */
  llmBasis: 'metered' | 'estimated';
  storageUsd: number;
  totalUsd: number;
  /** The same hours, had the agent run the whole time (never sleeping). */
  alwaysOnUsd: number;
  savingUsd: number;
}

export function costOf(usage: AgentUsage, model: CostModel = DEFAULT_COST_MODEL): AgentCost {
  const activeHours = usage.activeMs / HOUR_MS;
  const sleepingHours = usage.sleepingMs / HOUR_MS;
  const metered = usage.tokens > 0;
  const llmUsd = metered ? (usage.tokens / 1000) * model.llmPerThousandTokens : activeHours * (model.estimatedTokensPerActiveHour / 1000) * model.llmPerThousandTokens;
  const computeUsd = activeHours * model.computePerHour;
  const storageUsd = (activeHours + sleepingHours) * model.storagePerHour;
  const totalUsd = computeUsd + llmUsd + storageUsd;
  const alwaysOnUsd = (activeHours + sleepingHours) * activeHourlyCost(model);
  return {
    activeHours: roundUsd(activeHours),
    sleepingHours: roundUsd(sleepingHours),
    tokens: usage.tokens,
    computeUsd: roundUsd(computeUsd),
    llmUsd: roundUsd(llmUsd),
    llmBasis: metered ? 'metered' : 'estimated',
    storageUsd: roundUsd(storageUsd),
    totalUsd: roundUsd(totalUsd),
    alwaysOnUsd: roundUsd(alwaysOnUsd),
    savingUsd: roundUsd(alwaysOnUsd - totalUsd),
  };
}

export function sumCosts(costs: readonly AgentCost[]): Omit<AgentCost, 'llmBasis'> {
  const total = { activeHours: 0, sleepingHours: 0, tokens: 0, computeUsd: 0, llmUsd: 0, storageUsd: 0, totalUsd: 0, alwaysOnUsd: 0, savingUsd: 0 };
  for (const cost of costs) {
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += cost[key];
  }
  for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] = key === 'tokens' ? total[key] : roundUsd(total[key]);
  return total;
}

/**
 * A month of a fleet whose agents each run `activeHoursPerDay` and sleep the rest, against the same fleet always
 * on — the whitepaper's reference scenario is 500 agents used 2 h/day.
 */
export function monthlyFleetCost(agents: number, activeHoursPerDay: number, model: CostModel = DEFAULT_COST_MODEL, days = 30) {
  const active = agents * activeHoursPerDay * days * activeHourlyCost(model);
  const sleeping = agents * (24 - activeHoursPerDay) * days * sleepingHourlyCost(model);
  const alwaysOn = agents * 24 * days * activeHourlyCost(model);
  const sleepWake = active + sleeping;
  return {
    sleepWakeUsd: roundUsd(sleepWake),
    alwaysOnUsd: roundUsd(alwaysOn),
    savingUsd: roundUsd(alwaysOn - sleepWake),
    savingRatio: Math.round(((alwaysOn - sleepWake) / alwaysOn) * 1000) / 1000,
  };
}
