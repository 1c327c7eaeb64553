import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { createLocalSnapshotStore } from '../../activities/lifecycle/snapshots.js';
import type { AgentWorkflowInput } from '../../core/agents/agent.js';
import { monthlyFleetCost } from '../../core/agents/costs.js';
import { agentWorkflowId } from '../../core/agents/ids.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { startLifecyclePools } from '../../workers/in-process.js';
import { argument, startBenchStack } from '../support/stack.js';
import { sleepSignal, stateQuery, wakeUpdate } from '../../workflows/agent/messages.js';

/*
 * A colony of agents on the embedded stack (dev server + Postgres + the lifecycle pools in this process): S sleeping
 * agents (each checkpointed), A active ones, then W wakes of sleeping agents (restore included), measured side by side
 * with W wake calls to agents that are already up — the baseline: the same update round trip without a restore.
 * Prints a table and JSON, with the memory of this process (it hosts the `workflows` worker) and the month cost of the
 * whitepaper's reference scenario.
 *   npm run bench:lifecycle [-- --sleeping 10000 --active 1000 --wakes 200 --concurrency 50]
 */

const percentile = (samples: number[], q: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
};

const mib = (bytes: number) => Math.round(bytes / 1048576);

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

async function until(handle: WorkflowHandle, state: string): Promise<void> {
  for (let i = 0; i < 1200; i += 1) {
    const view = await handle.query(stateQuery).catch(() => undefined);
    if (view?.state === state) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} never reached ${state}`);
}

async function main(): Promise<void> {
  const sleeping = argument('sleeping', 400);
  const active = argument('active', 100);
  const wakes = Math.min(argument('wakes', 50), sleeping);
  const concurrency = argument('concurrency', 25);
  const stack = await startBenchStack('lifecycle');
  const { db, nativeConnection, client, dir } = stack;
  const bundle = await stack.bundle(fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)));
  const pools = await startLifecyclePools(nativeConnection, 'default', db, { workflowBundle: bundle, snapshots: createLocalSnapshotStore(join(dir, 'snapshots')), maxCachedWorkflows: sleeping + active + 100 });
  const memoryBefore = process.memoryUsage();

  const tenant = `bench-${Date.now()}`;
  const input = (instance: number, agentType: string): AgentWorkflowInput => ({ tenant, agentType, instance, tier: 'on_demand', keepWarm: false, capacity: 4, idleMinutes: 600, startAwake: true });
  const start = (agentType: string, count: number) =>
    Array.from({ length: count }, (_, i) => client.workflow.getHandle(agentWorkflowId(tenant, agentType, i + 1))).map((handle, i) => ({ handle, input: input(i + 1, agentType) }));

  const colonyStarted = performance.now();
  const sleepers = start('retail.inventory', sleeping);
  const awake = start('crm.customer_support', active);
  await inBatches([...sleepers, ...awake], concurrency, ({ handle, input: args }) =>
    client.workflow.start('agentWorkflow', { workflowId: handle.workflowId, taskQueue: TASK_QUEUES.workflows, args: [args] }),
  );
  await inBatches([...sleepers, ...awake], concurrency, ({ handle }) => until(handle, 'IDLE'));
  await inBatches(sleepers, concurrency, ({ handle }) => handle.signal(sleepSignal, { reason: 'bench' }));
  await inBatches(sleepers, concurrency, ({ handle }) => until(handle, 'SLEEPING'));
  const colonySeconds = Math.round((performance.now() - colonyStarted) / 100) / 10;
  global.gc?.();
  const memoryColony = process.memoryUsage();

  const wake = async (handle: WorkflowHandle) => {
    const started = performance.now();
    await handle.executeUpdate(wakeUpdate, { args: [{ reason: 'bench' }] });
    return performance.now() - started;
  };
  const restoreWakes: number[] = [];
  const baselineWakes: number[] = [];
  await inBatches(sleepers.slice(0, wakes), Math.min(concurrency, 10), async ({ handle }) => restoreWakes.push(await wake(handle)));
  await inBatches(awake.slice(0, wakes), Math.min(concurrency, 10), async ({ handle }) => baselineWakes.push(await wake(handle)));

  const reference = monthlyFleetCost(500, 2);
  const rows = {
    colony: { sleeping, active, startedAndSettledSeconds: colonySeconds },
    memory: { rssMiBBefore: mib(memoryBefore.rss), rssMiBColony: mib(memoryColony.rss), heapUsedMiBColony: mib(memoryColony.heapUsed) },
    wakeLatencyMs: {
      sleepingToActive: { count: restoreWakes.length, p50: percentile(restoreWakes, 0.5), p99: percentile(restoreWakes, 0.99) },
      baselineAlreadyAwake: { count: baselineWakes.length, p50: percentile(baselineWakes, 0.5), p99: percentile(baselineWakes, 0.99) },
    },
    referenceMonth: { agents: 500, activeHoursPerDay: 2, ...reference },
  };
  const ratio = Math.round((rows.wakeLatencyMs.sleepingToActive.p50 / Math.max(0.1, rows.wakeLatencyMs.baselineAlreadyAwake.p50)) * 100) / 100;
  process.stdout.write(`\ncolony: ${sleeping} sleeping + ${active} active agents, settled in ${colonySeconds} s\n`);
  process.stdout.write(`memory (this process hosts the workflows worker): rss ${rows.memory.rssMiBBefore} → ${rows.memory.rssMiBColony} MiB, heap ${rows.memory.heapUsedMiBColony} MiB\n\n`);
  process.stdout.write(`${'wake latency'.padEnd(30)}| p50 ms  | p99 ms\n${'-'.repeat(30)}|---------|-------\n`);
  process.stdout.write(`${'sleeping → active (restore)'.padEnd(30)}| ${String(rows.wakeLatencyMs.sleepingToActive.p50).padEnd(8)}| ${rows.wakeLatencyMs.sleepingToActive.p99}\n`);
  process.stdout.write(`${'baseline: already awake'.padEnd(30)}| ${String(rows.wakeLatencyMs.baselineAlreadyAwake.p50).padEnd(8)}| ${rows.wakeLatencyMs.baselineAlreadyAwake.p99}\n`);
  process.stdout.write(`ratio (p50): ${ratio} · target p50 < 500 ms: ${rows.wakeLatencyMs.sleepingToActive.p50 < 500 ? 'met' : 'missed'}\n\n`);
  process.stdout.write(`reference month, 500 agents used 2 h/day: sleep/wake $${reference.sleepWakeUsd} vs always-on $${reference.alwaysOnUsd} (saving ${Math.round(reference.savingRatio * 100)} %)\n`);
  process.stdout.write(`\n${JSON.stringify({ bench: 'lifecycle', ...rows, wakeRatioP50: ratio }, null, 2)}\n`);

  await pools.shutdown();
  await stack.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
