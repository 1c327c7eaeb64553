/*
 * Swarm metrics (whitepaper §3: load distribution evenness as a Gini coefficient, target < 0.3). Pure functions.
 */

/** Gini coefficient of non-negative values: 0 when all are equal, towards 1 when one holds everything. */
export function gini(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = [...values].map((v) => Math.max(0, v)).sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  if (total === 0) return 0;
  // G = (2 Σ i·x_i) / (n Σ x_i) − (n + 1) / n, with i counted from 1 over the ascending values.
  const weighted = sorted.reduce((sum, v, i) => sum + (i + 1) * v, 0);
  return Math.round(((2 * weighted) / (n * total) - (n + 1) / n) * 10_000) / 10_000;
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export interface AgentLoadSample {
  agentType: string;
  state: string;
  load: number;
  capacity: number;
  /** Tasks it was awarded in the period. */
  awarded: number;
}

export interface AwardSample {
  /** Submission → award (ms). */
  waitMs: number;
  /** Award → release (ms); null while running. */
  runMs: number | null;
  slaMs: number | null;
  /** How the task ended; a failed task never counts as completed within its SLA. */
  succeeded?: boolean | null;
}

export interface SwarmMetrics {
  agents: number;
  running: number;
  /** Gini of tasks awarded per agent over the period (all agents, then per agent type). */
  loadGini: number;
  loadGiniByType: Record<string, number>;
  /** Running agents holding no task right now. */
  idlePercent: number;
  /** Tasks held / capacity of running agents. */
  utilisationPercent: number;
  completedWithinSlaPercent: number | null;
  timeToAssignmentMs: { p50: number; p99: number };
}

const RUNNING = new Set(['WARMING', 'ACTIVE', 'IDLE']);
const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

export function swarmMetrics(agents: readonly AgentLoadSample[], awards: readonly AwardSample[]): SwarmMetrics {
  const running = agents.filter((a) => RUNNING.has(a.state));
  const byType = new Map<string, number[]>();
  for (const agent of agents) byType.set(agent.agentType, [...(byType.get(agent.agentType) ?? []), agent.awarded]);
  const finishedWithSla = awards.filter((a) => a.runMs !== null && a.slaMs !== null);
  const withinSla = finishedWithSla.filter((a) => a.succeeded !== false && (a.runMs ?? 0) + a.waitMs <= (a.slaMs ?? 0)).length;
  const waits = awards.map((a) => a.waitMs);
  return {
    agents: agents.length,
    running: running.length,
    loadGini: gini(agents.map((a) => a.awarded)),
    loadGiniByType: Object.fromEntries([...byType].map(([type, loads]) => [type, gini(loads)])),
    idlePercent: pct(running.filter((a) => a.load === 0).length, running.length),
    utilisationPercent: pct(running.reduce((s, a) => s + a.load, 0), running.reduce((s, a) => s + a.capacity, 0)),
    completedWithinSlaPercent: finishedWithSla.length === 0 ? null : pct(withinSla, finishedWithSla.length),
    timeToAssignmentMs: { p50: percentile(waits, 0.5), p99: percentile(waits, 0.99) },
  };
}
