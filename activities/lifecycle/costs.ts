import { costOf, sumCosts, type AgentCost, type CostModel } from '../../core/agents/costs.js';
import { RUNNING_STATES, type AgentState } from '../../core/agents/lifecycle.js';
import type { Db } from '../../infra/db/pool.js';

interface UsageRow {
  agent_id: string;
  state: AgentState;
  active_ms: string;
  sleeping_ms: string;
  tokens: string;
  metered_until: Date;
}

export interface AgentCostView {
  agentId: string;
  state: AgentState;
  llmBasis: AgentCost['llmBasis'];
  cost: Omit<AgentCost, 'llmBasis'>;
}

/** The published usage plus the time spent in the current state since the agent last published. */
function priced(row: UsageRow, model: CostModel, now: number): AgentCostView {
  const since = Math.max(0, now - row.metered_until.getTime());
  const running = RUNNING_STATES.includes(row.state);
  const usage = {
    activeMs: Number(row.active_ms) + (running ? since : 0),
    sleepingMs: Number(row.sleeping_ms) + (row.state === 'SLEEPING' ? since : 0),
    tokens: Number(row.tokens),
  };
  const { llmBasis, ...cost } = costOf(usage, model);
  return { agentId: row.agent_id, state: row.state, llmBasis, cost };
}

const SELECT = 'select agent_id, state, active_ms, sleeping_ms, tokens, metered_until from agents where tenant_id = $1';

export async function agentCosts(db: Db, model: CostModel, tenant: string, agentId: string, now = Date.now()): Promise<AgentCostView | undefined> {
  const row = (await db.query<UsageRow>(`${SELECT} and agent_id = $2`, [tenant, agentId])).rows[0];
  return row ? priced(row, model, now) : undefined;
}

/** Every agent of the tenant, and the total against running all of them always on. */
export async function tenantCosts(db: Db, model: CostModel, tenant: string, now = Date.now()) {
  const rows = (await db.query<UsageRow>(`${SELECT} order by agent_id`, [tenant])).rows;
  const perAgent = rows.map((row) => priced(row, model, now));
  const byState: Record<string, number> = {};
  for (const agent of perAgent) byState[agent.state] = (byState[agent.state] ?? 0) + 1;
  return { tenant, agents: perAgent.length, byState, total: sumCosts(perAgent.map((a) => ({ ...a.cost, llmBasis: a.llmBasis }))), perAgent };
}
