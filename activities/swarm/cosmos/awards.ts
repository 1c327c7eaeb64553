import { parseInput } from '../../../core/validation.js';
import { awardInput, KEPT_BIDS, type Award, type AwardInput, type ReleasedAward } from '../ports.js';
import {
  agentTaskStatsDocument,
  agentTaskStatsId,
  awardDocument,
  awardId,
  KINDS,
  slotDocument,
  slotId,
  taskTypeStatsDocument,
  taskTypeStatsId,
  type AwardDocument,
  type Body,
  type SlotDocument,
} from './documents.js';
import { asJson, type TenantPartition, type Write } from './partition.js';
import { retryOnConflict } from './retry.js';
import { decayedWorkMs } from './work.js';

type Bid = ReturnType<typeof awardInput.parse>['bids'][number];

const toAward = (document: Body<AwardDocument>, existing: boolean): Award => ({
  tenant: document.tenant,
  taskId: document.taskId,
  agentId: document.agentId,
  score: document.score,
  reason: document.reason,
  awardedAt: document.awardedAt,
  existing,
});

const replaceOf = <T extends { id: string; _etag: string }>(document: T, changes: Partial<Body<T>>): Write => {
  const { _etag: etag, ...body } = document;
  return { replace: asJson({ ...body, ...changes }), id: document.id, etag };
};

/** The outcome of trying one bidder: its award (or the task's earlier one), no room, or passed over for now. */
type Try = { award: Award } | 'full' | 'passed';

/**
 * Atomic award: one transactional batch creates the task's award document (id = task: a second award of the task
 * fails with 409, and the caller gets the first award back) and takes a slot by replacing the agent's slot document
 * only if its etag is still the one read when `open < capacity` was checked (412 otherwise). Both or neither are
 * written, so a task is never marked assigned without its slot, nor a slot taken without an award. Etag checks are
 * evaluated by the partition's write region, so they hold under any consistency level of the account.
 *
 * As in Postgres, the first pass passes over a bidder whose slot changed under this award (where Postgres skips a
 * locked slot) and one that took on work since its bid was scored (a stale bid), so simultaneous awards spread over
 * the best bidders instead of piling onto the top one; the second pass re-reads those until each is taken or full,
 * so "no room" is never a false answer.
 */
export async function award(partitionFor: (tenant: string) => TenantPartition, raw: AwardInput, now: () => number): Promise<Award | null> {
  const input = parseInput(awardInput, raw, 'award');
  const partition = partitionFor(input.tenant);
  const id = awardId(input.taskId);
  const earlier = await partition.read(awardDocument, id);
  if (earlier) return toAward(earlier, true);

  const tryBid = async (bid: Bid, firstPass: boolean): Promise<Try> => {
    const slot = await partition.read(slotDocument, slotId(bid.agentId));
    // No slot: no agent of that id published itself in this tenant (another tenant's agent is simply not here).
    if (!slot || slot.retired || slot.open >= slot.capacity) return 'full';
    if (firstPass && bid.load !== undefined && slot.open > bid.load) return 'passed';
    const document: Body<AwardDocument> = {
      id,
      tenant: input.tenant,
      kind: KINDS.award,
      taskId: input.taskId,
      agentType: input.agentType,
      taskType: input.taskType ?? null,
      agentId: bid.agentId,
      score: bid.score,
      reason: `best bid with room: ${bid.agentId} scored ${bid.score} among ${input.bids.length} bids`,
      bids: input.bids.slice(0, KEPT_BIDS),
      bidders: input.bids.length,
      submittedAt: input.submittedAt,
      awardedAt: new Date(now()).toISOString(),
      releasedAt: null,
      succeeded: null,
    };
    const outcome = await partition.commit([{ create: asJson(document) }, replaceOf<SlotDocument>(slot, { open: slot.open + 1 })]);
    if (outcome.committed) return { award: toAward(document, false) };
    if (outcome.index === 0) {
      // The task was awarded meanwhile (a retry racing this call): answer with that award.
      const first = await partition.read(awardDocument, id);
      if (first) return { award: toAward(first, true) };
    }
    return 'passed';
  };

  const passedOver: Bid[] = [];
  for (const bid of input.bids) {
    if (!bid.eligible) continue;
    const outcome = await tryBid(bid, true);
    if (outcome === 'passed') passedOver.push(bid);
    else if (outcome !== 'full') return outcome.award;
  }
  for (const bid of passedOver) {
    const outcome = await retryOnConflict(`award of task ${input.taskId}`, async () => {
      const attempt = await tryBid(bid, false);
      return attempt === 'passed' ? 'retry' : { done: attempt };
    });
    if (outcome !== 'full') return outcome.award;
  }
  // A call racing this one for the same task (a retry) may have won the last slot: then the task has that award,
  // which is the answer, not "no room" (Postgres gets the same by queueing the two on the task's lock).
  const meanwhile = await partition.read(awardDocument, id);
  return meanwhile ? toAward(meanwhile, true) : null;
}

/**
 * Closes the award once: the award (released, how it ended), the agent's slot (one fewer open, the agent's time on
 * the task — as the task measured it, or else the award's — added to its decayed work) and, for a typed task, the agent's and the type's records — one batch, each document
 * guarded by the etag it was read with. A concurrent release of the same task makes this one re-read and find it
 * closed (null), so a repeated release changes nothing.
 */
export async function release(
  partitionFor: (tenant: string) => TenantPartition,
  tenant: string,
  taskId: string,
  succeeded: boolean,
  now: () => number,
  workMs?: number,
): Promise<ReleasedAward | null> {
  const partition = partitionFor(tenant);
  return retryOnConflict(`release of task ${taskId}`, async () => {
    const open = await partition.read(awardDocument, awardId(taskId));
    if (!open || open.releasedAt !== null) return { done: null };
    const at = now();
    const runMs = workMs ?? Math.max(0, at - Date.parse(open.awardedAt));
    const writes: Write[] = [replaceOf<AwardDocument>(open, { releasedAt: new Date(at).toISOString(), succeeded })];
    const slot = await partition.read(slotDocument, slotId(open.agentId));
    const freed = slot ? { open: Math.max(0, slot.open - 1), workMs: decayedWorkMs(slot, at) + runMs, workAt: at } : null;
    if (slot && freed) writes.push(replaceOf<SlotDocument>(slot, freed));
    if (open.taskType !== null) writes.push(...(await recordWrites(partition, open, open.taskType, succeeded)));
    const outcome = await partition.commit(writes);
    if (!outcome.committed) return 'retry';
    return { done: { agentId: open.agentId, load: freed?.open ?? 0, capacity: slot?.capacity ?? 0 } };
  });
}

/** One more task (and maybe success) on the agent's record with the task type, and on the type's totals. */
async function recordWrites(partition: TenantPartition, released: AwardDocument, taskType: string, succeeded: boolean): Promise<Write[]> {
  const { agentType, agentId, tenant } = released;
  const [agentStats, typeStats] = await Promise.all([
    partition.read(agentTaskStatsDocument, agentTaskStatsId(agentType, taskType, agentId)),
    partition.read(taskTypeStatsDocument, taskTypeStatsId(agentType, taskType)),
  ]);
  const add = { tasks: 1, successes: succeeded ? 1 : 0 };
  return [
    agentStats
      ? replaceOf(agentStats, { tasks: agentStats.tasks + add.tasks, successes: agentStats.successes + add.successes })
      : { create: asJson({ id: agentTaskStatsId(agentType, taskType, agentId), tenant, kind: KINDS.agentTaskStats, agentType, taskType, agentId, ...add }) },
    typeStats
      ? replaceOf(typeStats, { tasks: typeStats.tasks + add.tasks, successes: typeStats.successes + add.successes })
      : { create: asJson({ id: taskTypeStatsId(agentType, taskType), tenant, kind: KINDS.taskTypeStats, agentType, taskType, ...add }) },
  ];
}
