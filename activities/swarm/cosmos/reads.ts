import { fnv1a } from '../../../core/hash.js';
import type { AgentLoadSample, AwardSample } from '../../../core/swarm/metrics.js';
import { parseInput } from '../../../core/validation.js';
import { shortlistQuery, type AgentCandidate, type Shortlist, type ShortlistQuery, type TaskTypeRecord } from '../ports.js';
import { agentDocument, agentTaskStatsDocument, agentTaskStatsId, awardDocument, KINDS, slotDocument, taskTypeStatsDocument, taskTypeStatsId, type AgentDocument, type SlotDocument } from './documents.js';
import type { TenantPartition } from './partition.js';
import { decayedWorkMs } from './work.js';

/*
 * The marketplace's reads, each a query within the tenant's partition (or point reads in it). Agents and their slots
 * are two documents, read by two queries and joined here; a document of one of them changing between the two reads
 * is seen a moment early or late, as a read committed join in Postgres would.
 */

const HELPERS_LIMIT = 200;
/** Point reads in flight at once when the history of many agents is asked for. */
const READS_AT_ONCE = 16;

interface Joined {
  agent: AgentDocument;
  open: number;
  workMs: number;
}

async function agentsWithSlots(partition: TenantPartition, filter: { agentType?: string; notAgentType?: string }, at: number): Promise<Joined[]> {
  const equal: Record<string, string> = filter.agentType === undefined ? {} : { agentType: filter.agentType };
  const not: Record<string, string> = filter.notAgentType === undefined ? {} : { agentType: filter.notAgentType };
  const [agents, slots] = await Promise.all([partition.query(agentDocument, KINDS.agent, equal, { not }), partition.query(slotDocument, KINDS.slot, equal, { not })]);
  const slotOf = new Map<string, SlotDocument>(slots.map((slot) => [slot.agentId, slot]));
  return agents
    .filter((agent) => agent.state !== 'RETIRED')
    .map((agent) => {
      const slot = slotOf.get(agent.agentId);
      return { agent, open: slot?.open ?? 0, workMs: slot ? decayedWorkMs(slot, at) : 0 };
    });
}

const byTypeThenInstance = (a: AgentDocument, b: AgentDocument) => (a.agentType < b.agentType ? -1 : a.agentType > b.agentType ? 1 : a.instance - b.instance);

const toCandidate = ({ agent, open, workMs }: Joined): AgentCandidate => ({
  agentId: agent.agentId,
  workflowId: agent.workflowId,
  agentType: agent.agentType,
  state: agent.state,
  capacity: agent.capacity,
  load: open,
  recentWorkMs: Math.round(workMs),
});

/** Those with room first, then the least loaded (share of capacity), the least recent work, the spread hash, the id. */
export async function shortlist(partition: TenantPartition, agentType: string, raw: ShortlistQuery, now: number): Promise<Shortlist> {
  const query = parseInput(shortlistQuery, raw, 'shortlist');
  const rows = await agentsWithSlots(partition, { agentType }, now);
  const key = (row: Joined) => [row.open >= row.agent.capacity ? 1 : 0, row.open / Math.max(row.agent.capacity, 1), row.workMs, fnv1a(query.spreadKey + row.agent.agentId)];
  const ranked = rows
    .map((row) => ({ row, key: key(row) }))
    .sort((a, b) => {
      for (let i = 0; i < a.key.length; i += 1) {
        const difference = (a.key[i] ?? 0) - (b.key[i] ?? 0);
        if (difference !== 0) return difference;
      }
      return a.row.agent.agentId < b.row.agent.agentId ? -1 : a.row.agent.agentId > b.row.agent.agentId ? 1 : 0;
    });
  return {
    candidates: ranked.slice(0, query.limit).map(({ row }) => toCandidate(row)),
    agents: rows.length,
    capacity: rows.reduce((sum, row) => sum + row.agent.capacity, 0),
    held: rows.reduce((sum, row) => sum + row.open, 0),
  };
}

export async function idleHelpers(partition: TenantPartition, excludeAgentType: string, now: number): Promise<AgentCandidate[]> {
  const rows = await agentsWithSlots(partition, { notAgentType: excludeAgentType }, now);
  return rows
    .filter(({ agent, open }) => (agent.state === 'ACTIVE' || agent.state === 'IDLE') && open === 0 && agent.capacity > 0)
    .sort((a, b) => byTypeThenInstance(a.agent, b.agent))
    .slice(0, HELPERS_LIMIT)
    .map((row) => ({ ...toCandidate(row), load: 0, recentWorkMs: 0 }));
}

export async function metricsSample(partition: TenantPartition, since: Date, slaMs: number, now: number): Promise<{ agents: AgentLoadSample[]; awards: AwardSample[] }> {
  const [rows, awards] = await Promise.all([
    agentsWithSlots(partition, {}, now),
    // ISO-8601 instants in UTC, all written by toISOString, order as strings do.
    partition.query(awardDocument, KINDS.award, {}, { atLeast: { awardedAt: since.toISOString() } }),
  ]);
  const awarded = new Map<string, number>();
  for (const award of awards) awarded.set(award.agentId, (awarded.get(award.agentId) ?? 0) + 1);
  return {
    agents: rows
      .sort((a, b) => byTypeThenInstance(a.agent, b.agent))
      .map(({ agent, open }) => ({ agentType: agent.agentType, state: agent.state, capacity: agent.capacity, load: open, awarded: awarded.get(agent.agentId) ?? 0 })),
    awards: awards.map((award) => ({
      waitMs: Math.max(0, Date.parse(award.awardedAt) - Date.parse(award.submittedAt)),
      runMs: award.releasedAt === null ? null : Date.parse(award.releasedAt) - Date.parse(award.awardedAt),
      slaMs,
      succeeded: award.succeeded,
    })),
  };
}

/** The named agents' records (point reads) and the type's totals (one document kept with every release). */
export async function history(partition: TenantPartition, agentType: string, taskType: string, agentIds: readonly string[]): Promise<TaskTypeRecord> {
  const totals = await partition.read(taskTypeStatsDocument, taskTypeStatsId(agentType, taskType));
  const byAgent: TaskTypeRecord['byAgent'] = new Map();
  const unique = [...new Set(agentIds)];
  for (let i = 0; i < unique.length; i += READS_AT_ONCE) {
    const records = await Promise.all(unique.slice(i, i + READS_AT_ONCE).map((agentId) => partition.read(agentTaskStatsDocument, agentTaskStatsId(agentType, taskType, agentId))));
    for (const record of records) if (record && record.tasks > 0) byAgent.set(record.agentId, { tasks: record.tasks, successRate: record.successes / record.tasks });
  }
  return { byAgent, tasks: totals?.tasks ?? 0, successes: totals?.successes ?? 0 };
}
