import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createAuditActivities } from '../activities/audit/activities.js';
import { createIntegrationsActivities } from '../activities/integrations/activities.js';
import { createLoopActivities } from '../activities/loop/activities.js';
import { createMemoryActivities } from '../activities/memory/activities.js';
import { createModelsActivities } from '../activities/models/activities.js';
import { playbookReasoner } from '../activities/models/playbook-reasoner.js';
import type { Reasoner } from '../activities/models/reasoner.js';
import { createToolsActivities } from '../activities/tools/activities.js';
import { loadBuiltinTool } from '../activities/tools/builtin/index.js';
import { createSandbox } from '../activities/tools/sandbox/sandbox.js';
import { TASK_QUEUES } from '../core/tasks/queues.js';
import type { Db } from '../infra/db/pool.js';

export interface InProcessPools {
  shutdown(): Promise<void>;
}

export interface InProcessOptions {
  workflowBundle: WorkflowBundleWithSourceMap;
  reasoner?: Reasoner;
  sandboxThreads?: number;
}

/**
 * Every pool's real activities on its own task queue, inside one process: for the workflow tests and the
 * benchmarks, where one process is easier to drive. `npm start` runs the same pools as separate processes.
 */
export async function startInProcessPools(connection: NativeConnection, namespace: string, db: Db, options: InProcessOptions): Promise<InProcessPools> {
  const sandbox = createSandbox({ threads: options.sandboxThreads ?? 1 });
  const common = { connection, namespace };
  const workers = await Promise.all([
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.workflows,
      workflowBundle: options.workflowBundle,
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
