import { parseInput } from '../../core/validation.js';
import type { Db } from '../../infra/db/pool.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';
import { SWARM_ROLE } from './postgres-field.js';
import { awardInput, KEPT_BIDS, type AgentCandidate, type Award, type AwardInput, type SwarmState } from './ports.js';

interface AwardRow {
  tenant_id: string;
  task_id: string;
  agent_id: string;
  score: number;
  reason: string;
  awarded_at: Date;
}

const toAward = (row: AwardRow, existing: boolean): Award => ({
  tenant: row.tenant_id,
  taskId: row.task_id,
  agentId: row.agent_id,
  score: row.score,
  reason: row.reason,
  awardedAt: row.awarded_at.toISOString(),
  existing,
});

/**
 * Swarm state in Postgres: the agents' registry (written by their workflows) read for candidates, and the awards with
 * a slot counter per agent. Atomicity: the task's own advisory lock serialises awards of one task (plus its primary
 * key), and a slot is taken by one conditional UPDATE (`open < capacity`), on which concurrent awards to the same agent
 * queue and re-check — so an agent's capacity is never exceeded and a task is never awarded twice.
 */
export function createPostgresSwarmState(db: Db): SwarmState {
  return {
    async candidates(tenant: string, agentType: string): Promise<AgentCandidate[]> {
      const rows = await inTenantAs(db, SWARM_ROLE, tenant, async (client) =>
        (
          await client.query<{ agent_id: string; workflow_id: string; agent_type: string; state: string; capacity: number; open: number }>(
            `select a.agent_id, a.workflow_id, a.agent_type, a.state, a.capacity, coalesce(s.open, 0) as open
             from agents a left join agent_slots s on s.tenant_id = a.tenant_id and s.agent_id = a.agent_id
             where a.tenant_id = $1 and a.agent_type = $2 and a.state <> 'RETIRED' order by a.instance`,
            [tenant, agentType],
          )
        ).rows,
      );
      return rows.map((r) => ({ agentId: r.agent_id, workflowId: r.workflow_id, agentType: r.agent_type, state: r.state, capacity: r.capacity, load: r.open }));
    },

    async idleHelpers(tenant: string, excludeAgentType: string): Promise<AgentCandidate[]> {
      const rows = await inTenantAs(db, SWARM_ROLE, tenant, async (client) =>
        (
          await client.query<{ agent_id: string; workflow_id: string; agent_type: string; state: string; capacity: number }>(
            `select a.agent_id, a.workflow_id, a.agent_type, a.state, a.capacity
             from agents a left join agent_slots s on s.tenant_id = a.tenant_id and s.agent_id = a.agent_id
             where a.tenant_id = $1 and a.agent_type <> $2 and a.state in ('ACTIVE', 'IDLE') and coalesce(s.open, 0) = 0 and a.capacity > 0
             order by a.agent_type, a.instance limit 200`,
            [tenant, excludeAgentType],
          )
        ).rows,
      );
      return rows.map((r) => ({ agentId: r.agent_id, workflowId: r.workflow_id, agentType: r.agent_type, state: r.state, capacity: r.capacity, load: 0 }));
    },

    async award(raw: AwardInput): Promise<Award | null> {
      const input = parseInput(awardInput, raw, 'award');
      return inTenantAs(db, SWARM_ROLE, input.tenant, async (client) => {
        await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`award:${input.tenant}:${input.taskId}`]);
        const existing = await client.query<AwardRow>('select * from task_awards where tenant_id = $1 and task_id = $2', [input.tenant, input.taskId]);
        if (existing.rows[0]) return toAward(existing.rows[0], true);
        // A slot whose row another award holds right now is passed over on the first pass (SKIP LOCKED): awards made
        // at the same moment spread over the best bidders instead of queueing on the top one. Only if every bid with
        // room was passed over does the second pass wait for them, so "no room" is never a false answer.
        const takeSlot = async (agentId: string, wait: boolean): Promise<'taken' | 'full' | 'busy'> => {
          await client.query('insert into agent_slots (tenant_id, agent_id) values ($1, $2) on conflict do nothing', [input.tenant, agentId]);
          if (!wait) {
            const free = await client.query('select 1 from agent_slots where tenant_id = $1 and agent_id = $2 for update skip locked', [input.tenant, agentId]);
            if (free.rowCount !== 1) return 'busy';
          }
          const slot = await client.query(
            `update agent_slots s set open = s.open + 1
             where s.tenant_id = $1 and s.agent_id = $2
               and s.open < (select a.capacity from agents a where a.tenant_id = $1 and a.agent_id = $2 and a.state <> 'RETIRED')`,
            [input.tenant, agentId],
          );
          return slot.rowCount === 1 ? 'taken' : 'full';
        };
        const write = async (bid: (typeof input.bids)[number]): Promise<Award> => {
          const reason = `best bid with room: ${bid.agentId} scored ${bid.score} among ${input.bids.length} bids`;
          const row = await client.query<AwardRow>(
            `insert into task_awards (tenant_id, task_id, agent_type, task_type, agent_id, score, bids, reason, submitted_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
            [input.tenant, input.taskId, input.agentType, input.taskType ?? null, bid.agentId, bid.score, JSON.stringify(input.bids.slice(0, KEPT_BIDS)), reason, input.submittedAt],
          );
          const awarded = row.rows[0];
          if (!awarded) throw new Error('award was not written');
          return toAward(awarded, false);
        };
        const passedOver: Array<(typeof input.bids)[number]> = [];
        for (const bid of input.bids) {
          if (!bid.eligible) continue;
          const outcome = await takeSlot(bid.agentId, false);
          if (outcome === 'taken') return write(bid);
          if (outcome === 'busy') passedOver.push(bid);
        }
        for (const bid of passedOver) {
          if ((await takeSlot(bid.agentId, true)) === 'taken') return write(bid);
        }
        return null;
      });
    },

    async release(tenant: string, taskId: string, succeeded: boolean): Promise<boolean> {
      return inTenantAs(db, SWARM_ROLE, tenant, async (client) => {
        const closed = await client.query<{ agent_id: string; agent_type: string; task_type: string | null }>(
          'update task_awards set released_at = now(), succeeded = $3 where tenant_id = $1 and task_id = $2 and released_at is null returning agent_id, agent_type, task_type',
          [tenant, taskId, succeeded],
        );
        const released = closed.rows[0];
        if (!released) return false;
        await client.query('update agent_slots set open = open - 1 where tenant_id = $1 and agent_id = $2 and open > 0', [tenant, released.agent_id]);
        if (released.task_type) {
          await client.query(
            `insert into agent_task_stats (tenant_id, agent_type, task_type, agent_id, tasks, successes) values ($1, $2, $3, $4, 1, $5)
             on conflict (tenant_id, agent_type, task_type, agent_id) do update set tasks = agent_task_stats.tasks + 1, successes = agent_task_stats.successes + excluded.successes`,
            [tenant, released.agent_type, released.task_type, released.agent_id, succeeded ? 1 : 0],
          );
        }
        return true;
      });
    },

    async metricsSample(tenant: string, since: Date, slaMs: number) {
      return inTenantAs(db, SWARM_ROLE, tenant, async (client) => {
        const agents = await client.query<{ agent_type: string; state: string; capacity: number; load: number; awarded: number }>(
          `select a.agent_type, a.state, a.capacity, coalesce(s.open, 0) as load,
                  (select count(*) from task_awards t where t.tenant_id = a.tenant_id and t.agent_id = a.agent_id and t.awarded_at >= $2)::int as awarded
           from agents a left join agent_slots s on s.tenant_id = a.tenant_id and s.agent_id = a.agent_id
           where a.tenant_id = $1 and a.state <> 'RETIRED' order by a.agent_type, a.instance`,
          [tenant, since],
        );
        const awards = await client.query<{ wait_ms: number; run_ms: number | null; succeeded: boolean | null }>(
          `select extract(epoch from (awarded_at - submitted_at)) * 1000 as wait_ms,
                  extract(epoch from (released_at - awarded_at)) * 1000 as run_ms, succeeded
           from task_awards where tenant_id = $1 and awarded_at >= $2`,
          [tenant, since],
        );
        return {
          agents: agents.rows.map((r) => ({ agentType: r.agent_type, state: r.state, capacity: r.capacity, load: r.load, awarded: r.awarded })),
          awards: awards.rows.map((r) => ({ waitMs: Math.max(0, Number(r.wait_ms)), runMs: r.run_ms === null ? null : Number(r.run_ms), slaMs, succeeded: r.succeeded })),
        };
      });
    },

    async history(tenant: string, agentType: string, taskType: string) {
      const rows = await inTenantAs(db, SWARM_ROLE, tenant, async (client) =>
        (
          await client.query<{ agent_id: string; tasks: number; success_rate: number }>(
            `select agent_id, tasks, (successes::float8 / tasks) as success_rate
             from agent_task_stats where tenant_id = $1 and agent_type = $2 and task_type = $3 and tasks > 0`,
            [tenant, agentType, taskType],
          )
        ).rows,
      );
      return new Map(rows.map((r) => [r.agent_id, { tasks: r.tasks, successRate: r.success_rate }]));
    },
  };
}
