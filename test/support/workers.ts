import { fileURLToPath } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, makeTelemetryFilterString, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createAuditActivities } from '../../activities/audit/activities.js';
import { createIntegrationsActivities } from '../../activities/integrations/activities.js';
import { createLoopActivities } from '../../activities/loop/activities.js';
import { createMemoryActivities } from '../../activities/memory/activities.js';
import { createModelsActivities } from '../../activities/models/activities.js';
import { playbookReasoner } from '../../activities/models/playbook-reasoner.js';
import type { Reasoner } from '../../activities/models/reasoner.js';
import { createToolsActivities } from '../../activities/tools/activities.js';
import { loadBuiltinTool } from '../../activities/tools/builtin/index.js';
import { createSandbox } from '../../activities/tools/sandbox/sandbox.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { Db } from '../../infra/db/pool.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

/** Workers in tests speak only when something is wrong; set ANTS_TEST_VERBOSE=1 to hear everything. */
function installQuietRuntime(): void {
  if (runtimeInstalled || process.env.ANTS_TEST_VERBOSE) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
  });
}

/** The workflow bundle, built once per test file (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return bundle;
}

export interface InProcessPools {
  shutdown(): Promise<void>;
}

/**
 * Every pool's real activities on its own task queue, in this process, against a real server and database. The
 * multi-process stack (`npm start`) is exercised by the end-to-end and crash tests instead.
 */
export async function startInProcessPools(connection: NativeConnection, namespace: string, db: Db, options: { reasoner?: Reasoner } = {}): Promise<InProcessPools> {
  installQuietRuntime();
  const sandbox = createSandbox({ threads: 1 });
  const common = { connection, namespace };
  const workers = await Promise.all([
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.workflows,
      workflowBundle: await workflowBundle(),
      activities: { ...createLoopActivities(), ...createAuditActivities({ db }) },
    }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.memory, activities: createMemoryActivities({ db }) }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.models, activities: createModelsActivities({ reasoner: options.reasoner ?? playbookReasoner, heartbeatIntervalMs: 200 }) }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.tools, activities: createToolsActivities({ sandbox, loadTool: loadBuiltinTool }) }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.integrations, activities: createIntegrationsActivities({ db }) }),
  ]);
  const running = workers.map((w) => w.run());
  return {
    async shutdown() {
      for (const worker of workers) worker.shutdown();
      await Promise.all(running);
      await sandbox.close();
    },
  };
}
