import { z } from 'zod';
import { AGENT_STATES } from '../../../core/agents/lifecycle.js';
import { costTier } from '../../../core/agents/repository/schema.js';
import type { AgentStateRecord } from '../../../core/agents/agent.js';
import { parseInput } from '../../../core/validation.js';
import { agentDocument, agentDocumentId, KINDS, slotDocument, slotId, type AgentDocument, type Body, type SlotDocument } from './documents.js';
import { asJson, type TenantPartition, type Write } from './partition.js';
import { retryOnConflict } from './retry.js';

/** What an agent workflow publishes, checked at the port (Postgres checks the same through its column types). */
const agentRecord = z.object({
  tenant: z.string().min(1).max(128),
  agentId: z.string().min(1).max(200),
  agentType: z.string().min(1).max(128),
  instance: z.number().int().min(0),
  workflowId: z.string().min(1),
  state: z.enum(AGENT_STATES),
  tier: costTier,
  keepWarm: z.boolean(),
  capacity: z.number().int().min(0),
  load: z.number().int().min(0),
  freeCapacity: z.number().int(),
  revision: z.number().int(),
  stateSince: z.string(),
  usage: z.object({ activeMs: z.number(), sleepingMs: z.number(), tokens: z.number() }),
  meteredUntil: z.string(),
  wakes: z.number().int().min(0),
});

/** The slot's copy of what decides room, when it differs from what the record says (else null: nothing to write). */
function slotChange(current: SlotDocument | undefined, record: AgentStateRecord): Write | null {
  const wanted = { agentType: record.agentType, capacity: record.capacity, retired: record.state === 'RETIRED' };
  if (!current) {
    const slot: Body<SlotDocument> = { id: slotId(record.agentId), tenant: record.tenant, kind: KINDS.slot, agentId: record.agentId, ...wanted, open: 0, workMs: 0, workAt: null };
    return { create: asJson(slot) };
  }
  if (current.agentType === wanted.agentType && current.capacity === wanted.capacity && current.retired === wanted.retired) return null;
  const { _etag: etag, ...body } = current;
  return { replace: asJson({ ...body, ...wanted }), id: current.id, etag };
}

/**
 * Keeps the agent's newest revision: a retried or late publish of an older one changes nothing (false). The record
 * and the slot's copy of its capacity and retirement are written in one batch, each guarded by the etag read, so a
 * concurrent award or publish makes this one read again instead of overwriting it.
 */
export async function publishAgent(partitionFor: (tenant: string) => TenantPartition, raw: AgentStateRecord, now: () => number): Promise<boolean> {
  const record = parseInput(agentRecord, raw, 'agent record');
  const partition = partitionFor(record.tenant);
  return retryOnConflict(`publish of agent ${record.agentId}`, async () => {
    const [agent, slot] = await Promise.all([partition.read(agentDocument, agentDocumentId(record.agentId)), partition.read(slotDocument, slotId(record.agentId))]);
    if (agent && agent.revision >= record.revision) return { done: false };
    const body: Body<AgentDocument> = { id: agentDocumentId(record.agentId), kind: KINDS.agent, ...record, updatedAt: new Date(now()).toISOString() };
    const writes: Write[] = [agent ? { replace: asJson(body), id: agent.id, etag: agent._etag } : { create: asJson(body) }];
    const slotWrite = slotChange(slot, record);
    if (slotWrite) writes.push(slotWrite);
    const outcome = await partition.commit(writes);
    return outcome.committed ? { done: true } : 'retry';
  });
}
