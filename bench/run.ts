import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { TASK_QUEUES, taskWorkflowId } from '../core/tasks/queues.js';
import type { TaskWorkflowInput } from '../core/tasks/task.js';
import { startInProcessPools } from '../workers/in-process.js';
import { approveSignal } from '../workflows/task/messages.js';
import { searchAttributesFor } from '../workflows/task/search-attributes.js';
import { createBaselineActivities } from './baseline-activities.js';
import { summarize, type LatencySummary } from './stats.js';
import { argument, startBenchStack } from './support/stack.js';

/*
 * The task loop against its floor, side by side on the same server, database and process: each round runs one
 * full reconciliation task (Perceive … Learn, sandboxed tool, Postgres memory, effects) and one baseline workflow of
 * the same shape whose activities do nothing. The ratio is what ANTS's own steps cost on top of Temporal's.
 *   npm run bench [-- --rounds 40 --concurrency 16]
 */
function reconcileInput(tenant: string, taskId: string): TaskWorkflowInput {
  const invoices = Array.from({ length: 20 }, (_, i) => ({ id: `inv-${i}`, amount: 100 + i, currency: 'EUR', reference: `REF-${i}` }));
  const payments = invoices.map((inv, i) => ({ id: `pay-${i}`, amount: inv.amount, currency: 'EUR', reference: `ref-${i}` }));
  return { tenant, taskId, agentType: 'finance.reconciliation', taskType: 'reconcile_payments', priority: 3, input: { invoices, payments }, acceptance: [], requireApproval: false, approvalTimeoutMs: 60_000, maxAttempts: 3, requestedBy: 'bench' };
}

async function main(): Promise<void> {
  const rounds = argument('rounds', 30);
  const concurrency = argument('concurrency', 10);
  const stack = await startBenchStack('task-loop');
  const { db, nativeConnection, client } = stack;

  const loopBundle = await stack.bundle(fileURLToPath(new URL('../workflows/index.ts', import.meta.url)));
  const pools = await startInProcessPools(nativeConnection, 'default', db, { workflowBundle: loopBundle, sandboxThreads: 2 });
  const baselineQueues = { memory: 'bench-memory', models: 'bench-models', tools: 'bench-tools', integrations: 'bench-integrations' };
  const baselineBundle = await stack.bundle(fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)));
  const baselineWorkers = await Promise.all([
    Worker.create({ connection: nativeConnection, taskQueue: 'bench-workflows', workflowBundle: baselineBundle, activities: createBaselineActivities() }),
    ...Object.values(baselineQueues).map((taskQueue) => Worker.create({ connection: nativeConnection, taskQueue, activities: createBaselineActivities() })),
  ]);
  const baselineRunning = baselineWorkers.map((w) => w.run());

  const tenant = `bench-${Date.now()}`;
  let sequence = 0;
  const runTask = async (): Promise<number> => {
    const input = reconcileInput(tenant, `t-${(sequence += 1)}`);
    const started = performance.now();
    const handle = await client.workflow.start('taskWorkflow', { workflowId: taskWorkflowId(tenant, input.taskId), taskQueue: TASK_QUEUES.workflows, args: [input], typedSearchAttributes: searchAttributesFor(input, 'RUNNING') });
    const result = (await handle.result()) as { status: string };
    if (result.status !== 'COMPLETED') throw new Error(`bench task ended ${result.status}`);
    return performance.now() - started;
  };
  const runBaseline = async (): Promise<number> => {
    const started = performance.now();
    await client.workflow.execute('baselineWorkflow', { workflowId: `baseline-${(sequence += 1)}-${tenant}`, taskQueue: 'bench-workflows', args: [baselineQueues] });
    return performance.now() - started;
  };

  // Warm-up: the tenant's first task is novel and waits for a person; approve it so later tasks run straight through.
  const first = reconcileInput(tenant, 'warm-up');
  const warm = await client.workflow.start('taskWorkflow', { workflowId: taskWorkflowId(tenant, first.taskId), taskQueue: TASK_QUEUES.workflows, args: [first] });
  for (;;) {
    const described = await warm.query<{ status: string }>('status').catch(() => undefined);
    if (described?.status === 'AWAITING_APPROVAL') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await warm.signal(approveSignal, { approverId: 'bench-approver' });
  await warm.result();
  for (let i = 0; i < 3; i += 1) {
    await runTask();
    await runBaseline();
  }

  const sequential = { loop: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < rounds; i += 1) {
    sequential.loop.push(await runTask());
    sequential.baseline.push(await runBaseline());
  }
  const burst = async (run: () => Promise<number>) => {
    const started = performance.now();
    const latencies = await Promise.all(Array.from({ length: concurrency * 2 }, run));
    return { latencies, perSecond: Math.round(((concurrency * 2) / ((performance.now() - started) / 1000)) * 10) / 10 };
  };
  const loopBurst = await burst(runTask);
  const baselineBurst = await burst(runBaseline);

  const rows: Array<{ measure: string; loop: LatencySummary | number; baseline: LatencySummary | number }> = [
    { measure: `sequential latency (${rounds} each)`, loop: summarize(sequential.loop), baseline: summarize(sequential.baseline) },
    { measure: `burst of ${concurrency * 2}, latency`, loop: summarize(loopBurst.latencies), baseline: summarize(baselineBurst.latencies) },
    { measure: `burst of ${concurrency * 2}, workflows/s`, loop: loopBurst.perSecond, baseline: baselineBurst.perSecond },
  ];
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  process.stdout.write(`\n${'measure'.padEnd(33)}| ${'task loop'.padEnd(27)}| ${'baseline'.padEnd(27)}| ratio\n`);
  process.stdout.write(`${'-'.repeat(33)}|${'-'.repeat(28)}|${'-'.repeat(28)}|------\n`);
  for (const row of rows) {
    const cell = (v: LatencySummary | number) => (typeof v === 'number' ? `${v}` : `p50 ${v.p50Ms} / p95 ${v.p95Ms} ms`);
    const r = typeof row.loop === 'number' && typeof row.baseline === 'number' ? ratio(row.loop, row.baseline) : ratio((row.loop as LatencySummary).p50Ms, (row.baseline as LatencySummary).p50Ms);
    process.stdout.write(`${row.measure.padEnd(33)}| ${cell(row.loop).padEnd(27)}| ${cell(row.baseline).padEnd(27)}| ${r}\n`);
  }
  process.stdout.write(`\n${JSON.stringify({ bench: 'task-loop', rounds, concurrency, rows }, null, 2)}\n`);

  for (const worker of baselineWorkers) worker.shutdown();
  await Promise.all(baselineRunning);
  await pools.shutdown();
  await stack.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
