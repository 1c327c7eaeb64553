import type { AgentStateRecord } from '../../core/agents/agent.js';
import type { Db } from '../../infra/db/pool.js';

export interface RegistryDeps {
  db: Db;
  /** Where the marketplace reads agents when that is not this database (Cosmos DB in the Azure profile). */
  swarmState?: { publishAgent(record: AgentStateRecord): Promise<boolean> };
}

/**
 * Swarm state: each agent publishes its lifecycle state, capacity and load after every accepted event, for the
 * marketplace to read. Only a newer revision overwrites a row, so a retried or late publish never regresses it.
 */
export async function publishAgentState(db: Db, record: AgentStateRecord): Promise<boolean> {
  const result = await db.query(
    `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity, load, free_capacity,
                         revision, state_since, active_ms, sleeping_ms, tokens, metered_until, wakes, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())
     on conflict (tenant_id, agent_id) do update set
       state = excluded.state, tier = excluded.tier, keep_warm = excluded.keep_warm, capacity = excluded.capacity, load = excluded.load,
       free_capacity = excluded.free_capacity, revision = excluded.revision, state_since = excluded.state_since,
       active_ms = excluded.active_ms, sleeping_ms = excluded.sleeping_ms, tokens = excluded.tokens,
       metered_until = excluded.metered_until, wakes = excluded.wakes, updated_at = now()
     where agents.revision < excluded.revision`,
    [
      record.tenant, record.agentId, record.agentType, record.instance, record.workflowId, record.state, record.tier, record.keepWarm,
      record.capacity, record.load, record.freeCapacity, record.revision, record.stateSince, record.usage.activeMs, record.usage.sleepingMs,
      record.usage.tokens, record.meteredUntil, record.wakes,
    ],
  );
  return result.rowCount === 1;
}

export function createRegistryActivities({ db, swarmState }: RegistryDeps) {
  return {
    /** The registry (agents API, lifecycle) and the marketplace's copy; each keeps only the newest revision, so a retry is harmless. */
    async publishAgentState(record: AgentStateRecord): Promise<void> {
      await publishAgentState(db, record);
      await swarmState?.publishAgent(record);
    },
  };
}
export type RegistryActivities = ReturnType<typeof createRegistryActivities>;
