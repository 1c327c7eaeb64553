import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryActivities, type MemoryActivities } from '../../activities/memory/activities.js';
import { createFeatureHashingProvider } from '../../activities/memory/embeddings/feature-hashing.js';
import { createEmbeddingService, type EmbeddingService } from '../../activities/memory/embeddings/service.js';
import { inTenant } from '../../activities/memory/tenant-tx.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { Db } from '../../infra/db/pool.js';
import { ensureMemoryUpkeepSchedule, MEMORY_UPKEEP_SCHEDULE_ID } from '../../scripts/stack/memory-upkeep.js';
import type { MemoryUpkeepInput, MemoryUpkeepReport } from '../../workflows/memory/workflow.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { workflowBundle } from '../support/workers.js';

/**
 * The upkeep workflow on a real Temporal dev server and the real database. Old rows are dated around 1990 and the
 * ages are chosen so that only they qualify: other test files' rows (dated 2020 and later) are never touched.
 */
let env: TestWorkflowEnvironment;
let db: Db;
let embeddings: EmbeddingService;
let memory: MemoryActivities;
let workers: Worker[] = [];
let running: Promise<void>;

const DAY_MS = 86_400_000;
const daysSince = (iso: string) => (Date.now() - Date.parse(iso)) / DAY_MS;
/** Episodes before 1995 are "old" for tiering; anything before 1991 is past retention. */
const coldAfterDays = daysSince('1995-01-01T00:00:00Z');
const retentionDays = daysSince('1991-01-01T00:00:00Z');

beforeAll(async () => {
  env = await startLocalTemporal();
  db = testDb();
  embeddings = createEmbeddingService({ provider: createFeatureHashingProvider() });
  memory = createMemoryActivities({ db, embeddings });
  const common = { connection: env.nativeConnection, namespace: env.namespace ?? 'default' };
  // Two workers as in production: the workflow code on its queue, the memory activities on the memory queue.
  const [workflows, memoryPool] = await Promise.all([
    Worker.create({ ...common, taskQueue: TASK_QUEUES.workflows, workflowBundle: await workflowBundle() }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.memory, activities: memory }),
  ]);
  workers = [workflows, memoryPool];
  running = Promise.all(workers.map((w) => w.run())).then(() => undefined);
}, 60_000);

afterAll(async () => {
  for (const w of workers) w.shutdown();
  await running;
  await env?.teardown();
  await embeddings?.close();
  await db?.end();
});

async function episode(tenant: string, taskId: string, createdAt?: string) {
  return memory.storeMemory({
    tenant,
    agentId: 'recon-1',
    agentType: 'finance.reconciliation',
    kind: 'episodic',
    taskId,
    taskType: 'reconcile_payments',
    procedure: 'match-by-reference',
    outcome: 'completed',
    success: true,
    content: `Reconciled the card settlements of batch ${taskId} against the bank statement.`,
    ...(createdAt ? { createdAt } : {}),
  });
}

async function counts(tenant: string) {
  return inTenant(db, tenant, async (client) => {
    const count = async (table: string) => Number((await client.query<{ n: string }>(`select count(*) as n from ${table} where tenant_id = $1`, [tenant])).rows[0]!.n);
    return { hot: await count('episodes'), cold: await count('episodes_cold'), facts: await count('semantic_memories') };
  });
}

function runUpkeep(input: MemoryUpkeepInput): Promise<MemoryUpkeepReport> {
  return env.client.workflow.execute('memoryUpkeepWorkflow', { taskQueue: TASK_QUEUES.workflows, workflowId: `upkeep-${freshTenant('run')}`, args: [input] });
}

describe('memory upkeep workflow', () => {
  it('moves old episodes to the cold table, keeps new ones, and a second run changes nothing', async () => {
    const tenant = freshTenant('upkeep');
    const other = freshTenant('upkeep');
    await episode(tenant, 'old-1', '1992-03-01T00:00:00Z');
    await episode(tenant, 'old-2', '1993-07-15T00:00:00Z');
    await episode(tenant, 'new-1');
    await episode(other, 'old-other', '1992-03-01T00:00:00Z');

    const first = await runUpkeep({ tenants: [tenant], coldAfterDays });
    expect(first).toEqual({ tenants: 1, moved: 2, forgotten: 0, runs: 1 });
    expect(await counts(tenant)).toEqual({ hot: 1, cold: 2, facts: 0 });
    // Only the tenants it was given.
    expect(await counts(other)).toEqual({ hot: 1, cold: 0, facts: 0 });

    const second = await runUpkeep({ tenants: [tenant], coldAfterDays });
    expect(second).toEqual({ tenants: 1, moved: 0, forgotten: 0, runs: 1 });
    expect(await counts(tenant)).toEqual({ hot: 1, cold: 2, facts: 0 });
  });

  it('forgets what is past the retention, cold tier and facts included, before tiering the rest', async () => {
    const tenant = freshTenant('retain');
    await episode(tenant, 'ancient-cold', '1990-02-01T00:00:00Z');
    await episode(tenant, 'ancient-hot', '1990-03-01T00:00:00Z');
    await memory.tierEpisodes({ tenant, olderThanDays: daysSince('1990-02-15T00:00:00Z') });
    await episode(tenant, 'old', '1993-01-01T00:00:00Z');
    await episode(tenant, 'new');
    await memory.storeMemory({ tenant, agentId: 'recon-1', agentType: 'finance.reconciliation', kind: 'semantic', sourceKey: 'ancient', content: 'Settlements were once booked by fax.', createdAt: '1990-01-01T00:00:00Z' });
    await memory.storeMemory({ tenant, agentId: 'recon-1', agentType: 'finance.reconciliation', kind: 'semantic', sourceKey: 'current', content: 'Card settlements arrive in UTC.' });
    expect(await counts(tenant)).toEqual({ hot: 3, cold: 1, facts: 2 });

    const report = await runUpkeep({ tenants: [tenant], coldAfterDays, retentionDays });
    expect(report).toMatchObject({ moved: 1, forgotten: 3 });
    expect(await counts(tenant)).toEqual({ hot: 1, cold: 1, facts: 1 });
    expect(await runUpkeep({ tenants: [tenant], coldAfterDays, retentionDays })).toMatchObject({ moved: 0, forgotten: 0 });
  });

  it('works in bounded batches and continues as new when its budget of calls is spent', async () => {
    const tenants = [freshTenant('batch'), freshTenant('batch')];
    for (const tenant of tenants) for (let i = 0; i < 5; i += 1) await episode(tenant, `old-${i}`, `1992-0${i + 1}-01T00:00:00Z`);
    const report = await runUpkeep({ tenants, coldAfterDays, batchSize: 2, maxCallsPerRun: 3 });
    expect(report.moved).toBe(10);
    expect(report.tenants).toBe(2);
    // 2 tenants × 3 batches each, plus the listing, at most 3 calls a run.
    expect(report.runs).toBeGreaterThanOrEqual(3);
    for (const tenant of tenants) expect(await counts(tenant)).toEqual({ hot: 0, cold: 5, facts: 0 });
  });

  it('visits every tenant when none is named (the listing the scheduled run uses)', async () => {
    const tenant = freshTenant('listed');
    await episode(tenant, 'any');
    const all: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await memory.listMemoryTenants({ after, limit: 50 });
      all.push(...page);
      if (page.length < 50) break;
      after = page.at(-1);
    }
    expect(all).toContain(tenant);
    expect([...all].sort()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('memory upkeep schedule', () => {
  it('is created once, left alone when unchanged, and updated when the configuration changes', async () => {
    const config = { ANTS_MEMORY_UPKEEP_EVERY_HOURS: 24, ANTS_MEMORY_COLD_AFTER_DAYS: 90, ANTS_MEMORY_RETENTION_DAYS: undefined };
    expect(await ensureMemoryUpkeepSchedule(env.client, config)).toBe('created');
    expect(await ensureMemoryUpkeepSchedule(env.client, config)).toBe('unchanged');

    const changed = { ...config, ANTS_MEMORY_UPKEEP_EVERY_HOURS: 6, ANTS_MEMORY_RETENTION_DAYS: 365 };
    expect(await ensureMemoryUpkeepSchedule(env.client, changed)).toBe('updated');
    expect(await ensureMemoryUpkeepSchedule(env.client, changed)).toBe('unchanged');

    const description = await env.client.schedule.getHandle(MEMORY_UPKEEP_SCHEDULE_ID).describe();
    expect(Number(description.spec.intervals?.[0]?.every)).toBe(6 * 3_600_000);
    expect(description.action.type === 'startWorkflow' && description.action.args).toEqual([{ coldAfterDays: 90, retentionDays: 365 }]);
    expect(description.action.type === 'startWorkflow' && description.action.workflowType).toBe('memoryUpkeepWorkflow');

    const listed: string[] = [];
    for await (const schedule of env.client.schedule.list()) listed.push(schedule.scheduleId);
    expect(listed.filter((id) => id === MEMORY_UPKEEP_SCHEDULE_ID)).toHaveLength(1);
  });
});
