import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresPheromoneField, SWARM_ROLE } from '../../activities/swarm/postgres-field.js';
import { createPostgresSwarmState } from '../../activities/swarm/postgres-state.js';
import { createPostgresWorkspace } from '../../activities/swarm/postgres-workspace.js';
import { describePheromoneFieldContract } from '../contract/pheromone-field.contract.js';
import { describeSwarmStateContract } from '../contract/swarm-state.contract.js';
import { describeWorkspaceContract } from '../contract/workspace.contract.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';
import { testDb } from '../support/stack.js';

const db = testDb();
afterAll(() => db.end());

describePheromoneFieldContract('postgres', () => {
  let now = Date.now();
  return { field: createPostgresPheromoneField(db, () => now), advance: (ms) => void (now += ms) };
});

describeSwarmStateContract('postgres', () => ({
  state: createPostgresSwarmState(db),
  async addAgents(tenant, agentType, count, capacity) {
    const ids: string[] = [];
    for (let instance = 1; instance <= count; instance += 1) {
      const agentId = `${agentType}-${instance}`;
      await db.query(
        `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity, free_capacity)
         values ($1, $2, $3, $4, $5, 'IDLE', 'on_demand', false, $6, $6)`,
        [tenant, agentId, agentType, instance, `agent:${tenant}:${agentType}:${instance}`, capacity],
      );
      ids.push(agentId);
    }
    return ids;
  },
}));

describeWorkspaceContract('postgres', () => createPostgresWorkspace(db));

describe('a tenant transaction', () => {
  it('sets the tenant and role exactly as given, whatever the text holds', async () => {
    const tenant = "o'brien\\'); select 1; --";
    const seen = await inTenantAs(db, SWARM_ROLE, tenant, async (client) => (await client.query<{ tenant: string; role: string }>("select current_setting('ants.tenant') as tenant, current_user as role")).rows[0]);
    expect(seen).toEqual({ tenant, role: SWARM_ROLE });
    // Nothing of it outlives the transaction on the pooled connection.
    const after = await db.query<{ tenant: string | null }>("select current_setting('ants.tenant', true) as tenant");
    expect(after.rows[0]?.tenant ?? '').toBe('');
  });
});
