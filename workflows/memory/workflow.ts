import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { MemoryActivities } from '../../activities/memory/activities.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';

export interface MemoryUpkeepInput {
  /** Episodes older than this many days move to the cold table; the memory pool's setting when absent. */
  coldAfterDays?: number;
  /** Episodes and facts older than this many days are forgotten; nothing is forgotten by age when absent. */
  retentionDays?: number;
  /** Rows per activity call (per table). */
  batchSize?: number;
  /** Activity calls per run before the workflow continues as new, so its history stays small. */
  maxCallsPerRun?: number;
  /** Only these tenants (e.g. after changing one tenant's data); every tenant when absent. */
  tenants?: string[];
  /** Set by the run that continued as new: where to pick up, and what was done so far. */
  resume?: { after?: string; current?: string; report: MemoryUpkeepReport };
}

export interface MemoryUpkeepReport {
  tenants: number;
  moved: number;
  forgotten: number;
  runs: number;
}

const TENANT_PAGE = 100;
const DEFAULT_BATCH = 5_000;
const DEFAULT_MAX_CALLS = 500;

const memory = proxyActivities<Pick<MemoryActivities, 'listMemoryTenants' | 'tierEpisodes' | 'forgetExpiredMemories'>>({
  taskQueue: TASK_QUEUES.memory,
  // A batch is one statement over an indexed range; two minutes leaves room for a large cold insert.
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

/**
 * Memory upkeep, started by a Temporal Schedule: for every tenant, forget what is older than the retention (if one
 * is configured), then move old episodes to the cold table, a batch at a time. Each batch is its own transaction
 * and finds only rows still to do, so a retried batch or a second run changes nothing. After `maxCallsPerRun`
 * batches the workflow continues as new from the tenant it was working on.
 */
export async function memoryUpkeepWorkflow(input: MemoryUpkeepInput = {}): Promise<MemoryUpkeepReport> {
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  const maxCalls = input.maxCallsPerRun ?? DEFAULT_MAX_CALLS;
  const report: MemoryUpkeepReport = { ...(input.resume?.report ?? { tenants: 0, moved: 0, forgotten: 0, runs: 0 }) };
  report.runs += 1;
  let after = input.resume?.after;
  let pending = input.resume?.current ? [input.resume.current] : [];
  let calls = 0;

  // Before each call: past the budget, hand over to a fresh run that starts again at this tenant (or page).
  const spend = async (current?: string) => {
    if (calls >= maxCalls) await continueAsNew<typeof memoryUpkeepWorkflow>({ ...input, resume: { after, current, report } });
    calls += 1;
  };

  for (;;) {
    if (pending.length === 0) {
      await spend();
      pending = input.tenants
        ? [...new Set(input.tenants)].sort().filter((t) => after === undefined || t > after).slice(0, TENANT_PAGE)
        : await memory.listMemoryTenants({ after, limit: TENANT_PAGE });
      if (pending.length === 0) return report;
    }
    const tenant = pending.shift()!;
    if (input.retentionDays !== undefined) {
      for (let more = true; more; ) {
        await spend(tenant);
        const result = await memory.forgetExpiredMemories({ tenant, olderThanDays: input.retentionDays, batchSize });
        report.forgotten += result.deleted;
        more = result.more;
      }
    }
    for (let more = true; more; ) {
      await spend(tenant);
      const { moved } = await memory.tierEpisodes({ tenant, olderThanDays: input.coldAfterDays, batchSize });
      report.moved += moved;
      more = moved === batchSize;
    }
    report.tenants += 1;
    after = tenant;
  }
}
