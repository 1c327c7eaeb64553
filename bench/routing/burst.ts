import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createModelsActivities } from '../../activities/models/activities.js';
import { ModelLimiter } from '../../activities/models/limiter.js';
import { createChatProviders } from '../../activities/models/providers/index.js';
import { tenantRegistry } from '../../activities/models/registry-source.js';
import { routedReasoner } from '../../activities/models/routed-reasoner.js';
import { createModelStore } from '../../activities/models/store.js';
import type { ModelSpec, ProviderLimit } from '../../core/routing/model.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { ReasonRequest } from '../../core/tasks/steps.js';
import { loadConfig } from '../../infra/config.js';
import { migrate } from '../../infra/db/migrate.js';
import { createDb, type Db } from '../../infra/db/pool.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startEmbeddedPostgres } from '../../scripts/stack/postgres.js';
import { startDevServer } from '../../scripts/stack/temporal.js';
import { readToolchain } from '../../scripts/stack/toolchain.js';
import { openAi, startFakeProvider, type FakeProvider } from '../../test/support/fake-model-providers.js';
import { reconciliationInput } from '../../test/support/tasks.js';
import type { reasonBurstWorkflow } from './burst-workflow.js';

/*
 * A burst of Reason steps through Temporal: one workflow starts N `reasonPlan` activities at once on the `models`
 * queue, served by an in-process `models` worker whose router calls a local OpenAI-compatible server with S slots
 * (a request beyond them is refused with a 429, as a provider's rate limit does). Run twice, side by side:
 *   limited  — the pool's per-provider gate admits at most S calls in flight: every step waits its turn;
 *   baseline — the gate opened wide: the worker sends what it holds at once, the provider refuses the excess.
 *   npm run bench:routing:burst [-- --requests 1000 --slots 8 --latency-ms 250 --worker-slots 200]
 */
const SILENT = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

const requests = argument('requests', 1000);
const slots = argument('slots', 8);
const latencyMs = argument('latency-ms', 250);
const workerSlots = argument('worker-slots', 200);
const UNLIMITED: ProviderLimit = { maxConcurrency: 1_000_000, maxPerSecond: 1_000_000 };

/** The provider: S calls at a time, each taking `latencyMs`; `admittedMax` is the most it ever served at once. */
async function startSlottedProvider(): Promise<{ provider: FakeProvider; admittedMax: () => number; refused: () => number }> {
  let admitted = 0;
  let admittedMax = 0;
  let refused = 0;
  const { invoices, payments } = reconciliationInput(0.5);
  const plan = { steps: [{ tool: 'finance.match_transactions', input: { invoices, payments, amountTolerance: 1 } }], confidence: 0.9, rationale: 'reference matching' };
  const provider = await startFakeProvider(async () => {
    if (admitted >= slots) {
      refused += 1;
      return { status: 429, headers: { 'retry-after': '1' }, body: openAi.error(429, 'Rate limit reached: too many concurrent requests', 'requests', 'rate_limit_exceeded') };
    }
    admitted += 1;
    admittedMax = Math.max(admittedMax, admitted);
    await new Promise((r) => setTimeout(r, latencyMs));
    admitted -= 1;
    return { status: 200, body: openAi.toolCall('submit_plan', plan, { prompt_tokens: 900, completion_tokens: 120 }) };
  });
  return {
    provider,
    admittedMax: () => admittedMax,
    refused: () => refused,
  };
}

function benchModel(endpoint: string): ModelSpec {
  return {
    id: 'bench-model',
    provider: 'openai-compatible',
    displayName: 'Slotted local model',
    remoteModel: 'bench-model',
    capabilities: ['chat', 'function_calling', 'structured_output'],
    contextWindow: 128_000,
    pricing: { inputPerMTokUsd: 0.5, outputPerMTokUsd: 1.5 },
    expectedLatencyMs: latencyMs,
    deployments: [{ id: 'bench-1', endpoint, useEntraId: false, maxConcurrency: slots }],
    enabled: true,
  };
}

interface RunFigures {
  run: string;
  succeeded: number;
  failed: number;
  refusedByProvider: number;
  maxInFlightAtProvider: number;
  /** Requests the provider held at once, refused ones included. */
  maxRequestsAtOnce: number;
  seconds: number;
  throughputPerSecond: number;
  failures: Record<string, number>;
}

async function runBurst(
  name: string,
  limit: ProviderLimit,
  ctx: { db: Db; client: Client; connection: NativeConnection; bundle: WorkflowBundleWithSourceMap },
): Promise<RunFigures> {
  // A fresh provider per run, so each run's figures are its own.
  const provider = await startSlottedProvider();
  const model = benchModel(`${provider.provider.url}/v1`);
  const shipped = { models: [model], providerLimits: { 'openai-compatible': limit }, rules: [] };
  const reasoner = routedReasoner({
    registry: tenantRegistry(shipped, undefined),
    rules: [],
    providers: createChatProviders({ env: {}, timeoutMs: 60_000 }),
    limiter: new ModelLimiter(shipped.providerLimits),
    store: createModelStore(ctx.db),
  });
  const queue = `bench-burst-${name}-${Date.now()}`;
  const workflows = await Worker.create({ connection: ctx.connection, taskQueue: queue, workflowBundle: ctx.bundle });
  const models = await Worker.create({
    connection: ctx.connection,
    taskQueue: TASK_QUEUES.models,
    activities: createModelsActivities({ reasoner, heartbeatIntervalMs: 2000 }),
    maxConcurrentActivityTaskExecutions: workerSlots,
  });
  const running = [workflows.run(), models.run()];
  const tenant = `bench-burst-${name}-${Date.now()}`;
  const template: ReasonRequest = {
    task: { tenant, taskId: 'burst', agentType: 'finance.reconciliation', taskType: 'reconcile_payments' },
    input: reconciliationInput(0.5),
    attempt: 1,
    context: { similarEpisodes: [], procedures: [] },
    feedback: [],
  };
  const started = performance.now();
  const result = await ctx.client.workflow.execute<typeof reasonBurstWorkflow>('reasonBurstWorkflow', {
    taskQueue: queue,
    workflowId: `${tenant}-burst`,
    args: [{ template, count: requests }],
  });
  const seconds = (performance.now() - started) / 1000;
  workflows.shutdown();
  models.shutdown();
  await Promise.all(running);
  await provider.provider.close();
  return {
    run: name,
    succeeded: result.succeeded,
    failed: result.failed,
    refusedByProvider: provider.refused(),
    maxInFlightAtProvider: provider.admittedMax(),
    maxRequestsAtOnce: provider.provider.maxInFlight,
    seconds: Math.round(seconds * 100) / 100,
    throughputPerSecond: Math.round((result.succeeded / seconds) * 10) / 10,
    failures: result.failures,
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const toolchain = readToolchain(config.antsHome);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } } });
  const dir = mkdtempSync(join(tmpdir(), 'ants-bench-burst-'));
  const postgres = config.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ installDir: toolchain.postgresInstallDir ?? '', dir: join(config.antsHome, 'bench', 'pg-burst'), port: await freePort(), database: 'ants_bench' });
  const db = createDb(config.DATABASE_URL ?? postgres?.url ?? '', 10, 'ants-bench-burst');
  await migrate(db);
  const temporal = await startDevServer({ temporalCli: toolchain.temporalCli, port: await freePort(), uiPort: await freePort(), namespace: 'default', logFile: join(dir, 'temporal.log') });
  const connection = await NativeConnection.connect({ address: temporal.address });
  const clientConnection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection: clientConnection });
  // Bundled once, before either run, so neither pays for it in its time.
  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./burst-workflow.ts', import.meta.url)), logger: SILENT });
  const ctx = { db, client, connection, bundle };

  const limited = await runBurst('limited', { maxConcurrency: slots, maxPerSecond: 10_000 }, ctx);
  const baseline = await runBurst('baseline-unlimited', UNLIMITED, ctx);

  process.stdout.write(`\n${requests} Reason steps at once through Temporal; the provider serves ${slots} at a time (${latencyMs} ms each) and refuses the rest with 429; the models worker holds ${workerSlots} activities.\n\n`);
  process.stdout.write(`${'run'.padEnd(22)}| succeeded | failed | 429s   | max in flight | requests at once | seconds | steps/s\n${'-'.repeat(22)}|-----------|--------|--------|---------------|------------------|---------|--------\n`);
  for (const r of [limited, baseline]) {
    process.stdout.write(
      `${r.run.padEnd(22)}| ${String(r.succeeded).padEnd(10)}| ${String(r.failed).padEnd(7)}| ${String(r.refusedByProvider).padEnd(7)}| ${String(r.maxInFlightAtProvider).padEnd(14)}| ${String(r.maxRequestsAtOnce).padEnd(17)}| ${String(r.seconds).padEnd(8)}| ${r.throughputPerSecond}\n`,
    );
  }
  const met = limited.failed === 0 && limited.succeeded === requests && limited.refusedByProvider === 0 && limited.maxRequestsAtOnce <= slots;
  process.stdout.write(`\nqueued, not failed (all ${requests} succeeded, in flight ≤ ${slots}): ${met ? 'met' : 'missed'}\n`);
  process.stdout.write(`\n${JSON.stringify({ bench: 'routing-burst', requests, providerSlots: slots, providerLatencyMs: latencyMs, workerSlots, limited, baseline, met }, null, 2)}\n`);

  await connection.close();
  await clientConnection.close();
  await temporal.stop();
  await db.end();
  if (postgres?.startedHere) await postgres.stop();
  if (!met) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
