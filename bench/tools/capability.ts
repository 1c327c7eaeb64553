/*
 * Time from a capability request to usable tools, on the local demo payments API, side by side:
 *   direct    the meta-agent's own activities called one after another in this process (discover, write, verify,
 *             register) — the floor: what building the tools costs without orchestration
 *   workflow  `capabilityWorkflow` through Temporal and the pools (discovery on integrations, writing on models,
 *             verification and registration on tools), then the first run of a new tool through `toolRunWorkflow`
 * Each build is for a fresh tenant, so every build really builds. The target — a new capability usable in < 10 s
 * offline — is printed as met or missed and sets the exit code.
 *   npm run bench:tools:capability [-- --builds 5 --json]
 */
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDiscoveryActivities, createToolWriterActivities } from '../../activities/capabilities/activities.js';
import { loadBuiltinTool } from '../../activities/tools/builtin/index.js';
import { createToolLoader } from '../../activities/tools/loader.js';
import { createPostgresToolRegistry } from '../../activities/tools/registry/postgres-registry.js';
import { createToolRegistryActivities } from '../../activities/tools/registry-activities.js';
import { DEMO_SECRET_NAME, privateOriginsFrom, toolsPoolSettings } from '../../activities/tools/sandbox-config.js';
import { createSandbox } from '../../activities/tools/sandbox/sandbox.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { capabilityId, capabilityWorkflowId, DEFAULT_OPERATIONS, type CapabilityView } from '../../core/tools/capability.js';
import { trialInputs } from '../../core/tools/capability-plan.js';
import { loadConfig } from '../../infra/config.js';
import { createPaymentsDemoApi } from '../../infra/demo/payments/index.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startInProcessPools } from '../../workers/in-process.js';
import type { ToolRunOutcome } from '../../activities/tools/registry-activities.js';
import { argument, startBenchStack } from '../support/stack.js';
import { latencyFigures, markdownTable, round, type LatencyFigures } from './figures.js';

const TARGET_MS = 10_000;
const OPERATIONS = ['listCharges', 'getCharge', 'listCustomers', 'createCharge'];

interface CapabilitySection {
  section: 'capability-to-usable-tools';
  builds: number;
  operations: string[];
  direct: LatencyFigures;
  workflow: LatencyFigures;
  /** workflow request → first successful run of a new tool. */
  usable: LatencyFigures;
  workflowOverDirect: number;
  targetMs: number;
  targetMet: boolean;
}

async function main(): Promise<void> {
  const builds = argument('builds', 5);
  const json = process.argv.includes('--json');
  const say = (line: string) => (json ? undefined : process.stderr.write(`[bench:tools:capability] ${line}\n`));

  // The demo API on a free port, announced to the pools through the configuration they read.
  const port = await freePort();
  process.env.ANTS_DEMO_API_PORT = String(port);
  const config = loadConfig();
  const demo = createPaymentsDemoApi({ apiKey: config.ANTS_DEMO_API_KEY, serverUrl: `http://127.0.0.1:${port}` });
  await demo.listen({ host: '127.0.0.1', port });
  const specUrl = `http://127.0.0.1:${port}/openapi.json`;

  const stack = await startBenchStack('capability');
  const pools = await startInProcessPools(stack.nativeConnection, 'default', stack.db, {
    workflowBundle: await stack.bundle(fileURLToPath(new URL('../../workflows/index.ts', import.meta.url))),
    temporalClient: stack.client,
  });
  const settings = await toolsPoolSettings(config);
  const sandbox = createSandbox({ ...settings.sandbox, threads: 1 });
  const registry = createPostgresToolRegistry(stack.db);
  const direct = {
    ...createDiscoveryActivities({ privateOrigins: privateOriginsFrom(config) }),
    ...createToolWriterActivities({}),
    ...createToolRegistryActivities({ sandbox, registry, tools: createToolLoader({ builtin: loadBuiltinTool, registry }), secretAllowed: settings.secretAllowed }),
  };
  const env = new MockActivityEnvironment();
  const call = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> => env.run(activity, ...args);
  const stamp = Date.now().toString(36);
  try {
    const directMs: number[] = [];
    for (let n = 0; n < builds; n += 1) {
      const tenant = `bench-cap-direct-${stamp}-${n}`;
      const started = performance.now();
      const { api } = await call(direct.discoverApi, { tenant, source: { specUrl }, operations: OPERATIONS, prioritize: DEFAULT_OPERATIONS });
      for (const operation of api.operations) {
        const draft = await call(direct.writeTool, { tenant, api, operationId: operation.operationId, secret: DEMO_SECRET_NAME });
        const verdict = await call(direct.verifyTool, { tenant, draft, trials: trialInputs(operation) });
        if (!verdict.passed) throw new Error(`direct build: ${operation.operationId} failed verification: ${verdict.problems.join('; ')}`);
        await call(direct.registerTool, { tenant, draft, creator: 'bench' });
      }
      directMs.push(performance.now() - started);
      say(`direct build ${n + 1}/${builds}: ${Math.round(directMs.at(-1) ?? 0)} ms`);
    }

    const workflowMs: number[] = [];
    const usableMs: number[] = [];
    for (let n = 0; n < builds; n += 1) {
      const tenant = `bench-cap-workflow-${stamp}-${n}`;
      const source = { specUrl };
      const started = performance.now();
      const view: CapabilityView = await stack.client.workflow.execute('capabilityWorkflow', {
        workflowId: capabilityWorkflowId(tenant, capabilityId(source, DEMO_SECRET_NAME)),
        taskQueue: TASK_QUEUES.workflows,
        args: [{ api: source, operations: OPERATIONS, secret: DEMO_SECRET_NAME, tenant, requestedBy: 'bench', notify: [] }],
      });
      workflowMs.push(performance.now() - started);
      if (view.status !== 'ready' || Object.keys(view.tools).length !== OPERATIONS.length) throw new Error(`workflow build ${n}: ${JSON.stringify(view)}`);
      const run: ToolRunOutcome = await stack.client.workflow.execute('toolRunWorkflow', {
        workflowId: `tool-run:${tenant}:first`,
        taskQueue: TASK_QUEUES.workflows,
        args: [{ tenant, ref: view.tools.listCharges, input: { limit: 5 }, runId: 'first' }],
      });
      if (!run.ok) throw new Error(`the first run of ${view.tools.listCharges} failed: ${run.error}`);
      usableMs.push(performance.now() - started);
      say(`workflow build ${n + 1}/${builds}: ${Math.round(workflowMs.at(-1) ?? 0)} ms, usable after ${Math.round(usableMs.at(-1) ?? 0)} ms`);
    }

    const section: CapabilitySection = {
      section: 'capability-to-usable-tools',
      builds,
      operations: OPERATIONS,
      direct: latencyFigures(directMs),
      workflow: latencyFigures(workflowMs),
      usable: latencyFigures(usableMs),
      workflowOverDirect: round(latencyFigures(workflowMs).p50Ms / Math.max(1, latencyFigures(directMs).p50Ms), 2),
      targetMs: TARGET_MS,
      targetMet: Math.max(...usableMs) < TARGET_MS,
    };
    if (json) {
      console.log(JSON.stringify({ bench: 'tools', sections: [section] }));
    } else {
      console.log(`\ncapability → usable tools: ${builds} builds of ${OPERATIONS.length} tools each on the demo payments API\n`);
      console.log(
        markdownTable(
          ['mode', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms'],
          (['direct', 'workflow', 'usable'] as const).map((mode) => [mode === 'usable' ? 'workflow → first tool run' : mode, section[mode].p50Ms, section[mode].p95Ms, section[mode].p99Ms, section[mode].meanMs]),
        ),
      );
      console.log(`\nworkflow / direct (p50): ${section.workflowOverDirect}×`);
      console.log(`target (every build usable in < ${TARGET_MS} ms): ${section.targetMet ? 'met' : 'MISSED'}`);
      console.log(`\n${JSON.stringify({ bench: 'tools', sections: [section] })}`);
    }
    if (!section.targetMet) process.exitCode = 1;
  } finally {
    await sandbox.close();
    await pools.shutdown();
    await stack.stop();
    await demo.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
