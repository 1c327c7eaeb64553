import type pg from 'pg';
import { parseInput } from '../../core/validation.js';
import type { Db } from '../../infra/db/pool.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';
import { SWARM_ROLE } from './postgres-field.js';
import { publishAgentState } from '../lifecycle/registry.js';
import {
  awardInput,
  KEPT_BIDS,
  shortlistQuery,
  WORK_HALF_LIFE_MS,
  type AgentCandidate,
  type Award,
  type AwardInput,
  type ReleasedAward,
  type Shortlist,
  type ShortlistQuery,
  type SwarmState,
  type TaskTypeRecord,
} from './ports.js';

interface AwardRow {
  tenant_id: string;
  task_id: string;
  agent_id: string;
  score: number;
  reason: string;
  awarded_at: Date;
}

interface CandidateRow {
  agent_id: string;
  workflow_id: string;
  agent_type: string;
  state: string;
  capacity: number;
  open: number;
  recent_work_ms: number;
}

const toCandidate = (r: CandidateRow): AgentCandidate => ({
  agentId: r.agent_id,
  workflowId: r.workflow_id,
  agentType: r.agent_type,
  state: r.state,
  capacity: r.capacity,
  load: r.open,
  recentWorkMs: Math.round(r.recent_work_ms),
});

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
    publishAgent: (record) => publishAgentState(db, record),

    async shortlist(tenant: string, agentType: string, raw: ShortlistQuery): Promise<Shortlist> {
      const query = parseInput(shortlistQuery, raw, 'shortlist');
      const rows = await inTenantAs(db, SWARM_ROLE, tenant, async (client) =>
        (
          await client.query<CandidateRow & { agents: number; total_capacity: number; held: number }>(
            `with type_agents as (
               select a.agent_id, a.workflow_id, a.agent_type, a.state, a.capacity, coalesce(s.open, 0) as open,
                      coalesce(s.work_ms * power(0.5, extract(epoch from (now() - s.work_at)) * 1000 / $3), 0)::float8 as recent_work_ms
               from agents a left join agent_slots s on s.tenant_id = a.tenant_id and s.agent_id = a.agent_id
               where a.tenant_id = $1 and a.agent_type = $2 and a.state <> 'RETIRED')
             select *, count(*) over ()::int as agents, (sum(capacity) over ())::int as total_capacity, (sum(open) over ())::int as held
             from type_agents
             order by open >= capacity, open::float8 / greatest(capacity, 1), recent_work_ms, hashtext($4 || agent_id), agent_id
             limit $5`,
            [tenant, agentType, WORK_HALF_LIFE_MS, query.spreadKey, query.limit],
          )
        ).rows,
      );
      const first = rows[0];
      return {
        candidates: rows.map(toCandidate),
        agents: first?.agents ?? 0,
        capacity: first?.total_capacity ?? 0,
        held: first?.held ?? 0,
      };
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
      return rows.map((r) => ({ agentId: r.agent_id, workflowId: r.workflow_id, agentType: r.agent_type, state: r.state, capacity: r.capacity, load: 0, recentWorkMs: 0 }));
    },

    async award(raw: AwardInput): Promise<Award | null> {
      const input = parseInput(awardInput, raw, 'award');
      const eligible = input.bids.filter((bid) => bid.eligible);
      const bidders = [...new Set(eligible.map((b) => b.agentId))].sort();
      const attempt = () =>
        inTenantAs(db, SWARM_ROLE, input.tenant, async (client): Promise<{ award: Award | null } | { missing: string[] }> => {
          await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`award:${input.tenant}:${input.taskId}`]);
          const existing = await client.query<AwardRow>('select * from task_awards where tenant_id = $1 and task_id = $2', [input.tenant, input.taskId]);
          if (existing.rows[0]) return { award: toAward(existing.rows[0], true) };
          // A bidder's first award needs its slot row, made outside (below): created in here, two awards inserting
          // overlapping bidders would wait on each other's uncommitted rows — a deadlock. Nearly always all are there.
          const present = await client.query<{ agent_id: string }>('select agent_id from agent_slots where tenant_id = $1 and agent_id = any($2)', [input.tenant, bidders]);
          if (present.rowCount !== bidders.length) {
            const have = new Set(present.rows.map((r) => r.agent_id));
            return { missing: bidders.filter((agentId) => !have.has(agentId)) };
          }
          return { award: await takeSlotAndWrite(client) };
        });
      const takeSlotAndWrite = async (client: pg.PoolClient): Promise<Award | null> => {
        // First pass: a slot whose row another award holds right now is passed over (SKIP LOCKED), and so is one whose
        // agent has taken on work since its bid was scored (a stale bid): awards made at the same moment spread over
        // the best bidders instead of piling onto the top one up to its capacity. Only if every bid with room was passed
        // over does the second pass wait for them, so "no room" is never a false answer.
        // Locks only the row it takes: a row it merely looked at and passed over stays free for others — a lock held
        // on a passed-over row while waiting for another in the second pass is how two awards deadlock.
        const tryFirst = async (bid: (typeof input.bids)[number]): Promise<'taken' | 'full' | 'passed'> => {
          const outcome = await client.query<{ taken: boolean; full: boolean }>(
            `with target as (
               select s.tenant_id, s.agent_id from agent_slots s
               join agents a on a.tenant_id = s.tenant_id and a.agent_id = s.agent_id and a.state <> 'RETIRED'
               where s.tenant_id = $1 and s.agent_id = $2 and s.open < a.capacity and ($3::int is null or s.open <= $3::int)
               for update of s skip locked),
             taken as (
               update agent_slots s set open = s.open + 1 from target t where s.tenant_id = t.tenant_id and s.agent_id = t.agent_id returning 1)
             select exists (select 1 from taken) as taken,
                    coalesce((select s.open >= a.capacity or a.state = 'RETIRED' from agent_slots s join agents a on a.tenant_id = s.tenant_id and a.agent_id = s.agent_id
                              where s.tenant_id = $1 and s.agent_id = $2), true) as full`,
            [input.tenant, bid.agentId, bid.load ?? null],
          );
          const row = outcome.rows[0];
          return row?.taken ? 'taken' : row?.full ? 'full' : 'passed';
        };
        const takeWaiting = async (agentId: string): Promise<boolean> => {
          const slot = await client.query(
            `update agent_slots s set open = s.open + 1
             where s.tenant_id = $1 and s.agent_id = $2
               and s.open < (select a.capacity from agents a where a.tenant_id = $1 and a.agent_id = $2 and a.state <> 'RETIRED')`,
            [input.tenant, agentId],
          );
          return slot.rowCount === 1;
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
        for (const bid of eligible) {
          const outcome = await tryFirst(bid);
          if (outcome === 'taken') return write(bid);
          if (outcome === 'passed') passedOver.push(bid);
        }
        for (const bid of passedOver) {
          if (await takeWaiting(bid.agentId)) return write(bid);
        }
        return null;
      };
      const first = await attempt();
      if ('award' in first) return first.award;
      // Slot rows are never removed, so once made the second attempt finds them all.
      await inTenantAs(db, SWARM_ROLE, input.tenant, (client) =>
        client.query('insert into agent_slots (tenant_id, agent_id) select $1, unnest($2::text[]) on conflict do nothing', [input.tenant, first.missing]),
      );
      const second = await attempt();
      if ('award' in second) return second.award;
      throw new Error(`slot rows of ${second.missing.join(', ')} are missing after they were made`);
    },

    async release(tenant: string, taskId: string, succeeded: boolean, workMs?: number): Promise<ReleasedAward | null> {
      return inTenantAs(db, SWARM_ROLE, tenant, async (client) => {
        const closed = await client.query<{ agent_id: string; agent_type: string; task_type: string | null; run_ms: number }>(
          `update task_awards set released_at = now(), succeeded = $3 where tenant_id = $1 and task_id = $2 and released_at is null
           returning agent_id, agent_type, task_type, (extract(epoch from (released_at - awarded_at)) * 1000)::float8 as run_ms`,
          [tenant, taskId, succeeded],
        );
        const released = closed.rows[0];
        if (!released) return null;
        const slot = await client.query<{ open: number; capacity: number }>(
          `update agent_slots s set open = greatest(s.open - 1, 0),
             work_ms = coalesce(s.work_ms * power(0.5, extract(epoch from (now() - s.work_at)) * 1000 / $4), 0) + greatest($3::float8, 0), work_at = now()
           where s.tenant_id = $1 and s.agent_id = $2
           returning s.open, coalesce((select a.capacity from agents a where a.tenant_id = $1 and a.agent_id = $2), 0) as capacity`,
          [tenant, released.agent_id, workMs ?? released.run_ms, WORK_HALF_LIFE_MS],
        );
        if (released.task_type) {
          await client.query(
            `insert into agent_task_stats (tenant_id, agent_type, task_type, agent_id, tasks, successes) values ($1, $2, $3, $4, 1, $5)
             on conflict (tenant_id, agent_type, task_type, agent_id) do update set tasks = agent_task_stats.tasks + 1, successes = agent_task_stats.successes + excluded.successes`,
            [tenant, released.agent_type, released.task_type, released.agent_id, succeeded ? 1 : 0],
          );
        }
        return { agentId: released.agent_id, load: slot.rows[0]?.open ?? 0, capacity: slot.rows[0]?.capacity ?? 0 };
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

    async history(tenant: string, agentType: string, taskType: string, agentIds: readonly string[]): Promise<TaskTypeRecord> {
      const rows = await inTenantAs(db, SWARM_ROLE, tenant, async (client) =>
        (
          await client.query<{ agent_id: string | null; tasks: number; successes: number }>(
            // The named agents one by one, and one row (agent_id null) with the type's totals.
            `select agent_id, tasks, successes from agent_task_stats
             where tenant_id = $1 and agent_type = $2 and task_type = $3 and tasks > 0 and agent_id = any($4)
             union all
             select null, coalesce(sum(tasks), 0)::int, coalesce(sum(successes), 0)::int from agent_task_stats
             where tenant_id = $1 and agent_type = $2 and task_type = $3`,
            [tenant, agentType, taskType, [...agentIds]],
          )
        ).rows,
      );
      const totals = rows.find((r) => r.agent_id === null);
      return {
        byAgent: new Map(rows.flatMap((r) => (r.agent_id === null ? [] : [[r.agent_id, { tasks: r.tasks, successRate: r.successes / r.tasks }] as const]))),
        tasks: totals?.tasks ?? 0,
        successes: totals?.successes ?? 0,
      };
    },
  };
}
