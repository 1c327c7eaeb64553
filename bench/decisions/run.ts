import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { approvalWorkflowId, type ApprovalOutcome, type ApprovalWorkflowInput } from '../../core/decisions/requests.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { startInProcessPools } from '../../workers/in-process.js';
import { argument, startBenchStack } from '../support/stack.js';
import { approveSignal } from '../../workflows/approval/messages.js';

/*
 * Human decisions at scale, against their floor, on the same server, database and process: N approvalWorkflows wait
 * (each with its inbox row and audit) and N bare workflows wait on the same `approve` signal; then every one is
 * signalled, a few decisions in flight at a time. Per workflow we time signal → resume (the workflow time of the
 * workflow task that delivered the signal, which each workflow returns; one clock, this machine's) and signal → result
 * (the workflow also recorded the decision, its audit and memory note, and closed), and the batch's throughput.
 *   npm run bench:decisions [-- --count 1000 --in-flight 8]
 */
const BARE_QUEUE = 'bench-bare-approvals';


function percentile(sorted: number[], q: number): number {
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
}

interface Measured {
  resumeP50Ms: number;
  resumeP99Ms: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  perSecond: number;
  startSeconds: number;
}

async function inBatches<T>(count: number, batch: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => work(i + j)))));
  return out;
}

/** Starts `count` waiting workflows, waits until every one is waiting, then signals all and times each resume. */
async function measure(
  count: number,
  inFlight: number,
  start: (i: number) => Promise<WorkflowHandle>,
  isWaiting: () => Promise<number>,
  resumedAt: (result: unknown) => string,
): Promise<Measured> {
  const startedAt = performance.now();
  const handles = await inBatches(count, 100, start);
  while ((await isWaiting()) < count) await new Promise((r) => setTimeout(r, 100));
  const startSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
  const batchStarted = performance.now();
  // People decide at their own pace: at most `inFlight` decisions travel at once, while all `count` wait.
  const latencies: number[] = [];
  const resumes: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < handles.length; i = next++) {
        const handle = handles[i];
        if (!handle) continue;
        const sentAt = Date.now();
        const sent = performance.now();
        await handle.signal(approveSignal, { approverId: 'bench-approver' });
        const result: unknown = await handle.result();
        latencies.push(performance.now() - sent);
        resumes.push(Math.max(0, Date.parse(resumedAt(result)) - sentAt));
      }
    }),
  );
  const seconds = (performance.now() - batchStarted) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const sortedResumes = resumes.sort((a, b) => a - b);
  return {
    resumeP50Ms: percentile(sortedResumes, 0.5),
    resumeP99Ms: percentile(sortedResumes, 0.99),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: Math.round((sorted.reduce((s, v) => s + v, 0) / sorted.length) * 10) / 10,
    perSecond: Math.round((count / seconds) * 10) / 10,
    startSeconds,
  };
}

async function main(): Promise<void> {
  const count = argument('count', 1000);
  const inFlight = argument('in-flight', 8);
  const stack = await startBenchStack('decisions');
  const { db, nativeConnection, client } = stack;

  const bundle = await stack.bundle(fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)));
  const pools = await startInProcessPools(nativeConnection, 'default', db, { workflowBundle: bundle, sandboxThreads: 1 });
  const bareBundle = await stack.bundle(fileURLToPath(new URL('./bare-workflow.ts', import.meta.url)));
  const bareWorker = await Worker.create({ connection: nativeConnection, taskQueue: BARE_QUEUE, workflowBundle: bareBundle });
  const bareRunning = bareWorker.run();

  const tenant = `bench-${Date.now()}`;
  const request = (i: number): ApprovalWorkflowInput => ({
    tenant,
    approvalId: `policy.p-${i}`,
    subject: { kind: 'policy', id: `p-${i}` },
    title: `Benchmark request ${i}`,
    severity: i % 4 === 0 ? 'high' : 'medium',
    requestedBy: 'bench',
    context: { summary: 'benchmark', reasons: ['benchmark'], details: {} },
    proposal: { i },
    timeoutMs: 3_600_000,
    safeDefault: 'reject',
  });
  const approvals = await measure(
    count,
    inFlight,
    (i) => client.workflow.start('approvalWorkflow', { workflowId: approvalWorkflowId(tenant, `policy.p-${i}`), taskQueue: TASK_QUEUES.workflows, args: [request(i)] }),
    async () => (await db.query<{ n: number }>('select count(*)::int as n from approval_requests where tenant_id = $1', [tenant])).rows[0]?.n ?? 0,
    (result) => (result as ApprovalOutcome).record.at,
  );
  const bareIds = Array.from({ length: count }, (_, i) => `bare-${tenant}-${i}`);
  const bare = await measure(
    count,
    inFlight,
    (i) => client.workflow.start('bareApprovalWorkflow', { workflowId: bareIds[i] ?? '', taskQueue: BARE_QUEUE, args: [] }),
    // A bare workflow is waiting once its first workflow task completed; counting them asks the server, not a worker.
    async () => (await client.workflow.count(`WorkflowType = "bareApprovalWorkflow" AND ExecutionStatus = "Running"`)).count,
    (result) => (result as { at: string }).at,
  );

  const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 0.1)) * 100) / 100;
  const rows = [
    { measure: 'signal → resume p50 (ms)', approval: approvals.resumeP50Ms, bare: bare.resumeP50Ms },
    { measure: 'signal → resume p99 (ms)', approval: approvals.resumeP99Ms, bare: bare.resumeP99Ms },
    { measure: 'signal → closed p50 (ms)', approval: approvals.p50Ms, bare: bare.p50Ms },
    { measure: 'signal → closed p99 (ms)', approval: approvals.p99Ms, bare: bare.p99Ms },
    { measure: 'signal → closed mean (ms)', approval: approvals.meanMs, bare: bare.meanMs },
    { measure: 'decisions/s', approval: approvals.perSecond, bare: bare.perSecond },
    { measure: 'start + wait ready (s)', approval: approvals.startSeconds, bare: bare.startSeconds },
  ];
  process.stdout.write(`\n${count} concurrent waiting workflows each, ${inFlight} decisions in flight\n${'measure'.padEnd(30)}| ${'approvalWorkflow'.padEnd(17)}| ${'bare wait'.padEnd(10)}| ratio\n`);
  process.stdout.write(`${'-'.repeat(30)}|${'-'.repeat(18)}|${'-'.repeat(11)}|------\n`);
  for (const row of rows) process.stdout.write(`${row.measure.padEnd(30)}| ${String(row.approval).padEnd(17)}| ${String(row.bare).padEnd(10)}| ${ratio(row.approval, row.bare)}\n`);
  process.stdout.write(`\n${JSON.stringify({ bench: 'decisions', count, inFlight, approvals, bare, rows }, null, 2)}\n`);

  bareWorker.shutdown();
  await bareRunning;
  await pools.shutdown();
  await stack.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
