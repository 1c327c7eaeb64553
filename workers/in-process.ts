import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import { createAuditActivities } from '../activities/audit/activities.js';
import { createDecisionsActivities } from '../activities/decisions/activities.js';
import type { ModelEndpoint } from '../activities/decisions/voters.js';
import { createIntegrationsActivities } from '../activities/integrations/activities.js';
import { integrationsPoolLifecycleActivities, memoryPoolLifecycleActivities } from '../activities/lifecycle/index.js';
import { createLocalSnapshotStore, type SnapshotStore } from '../activities/lifecycle/snapshots.js';
import { createLoopActivities } from '../activities/loop/activities.js';
import { memoryPoolSwarmActivities } from '../activities/swarm/index.js';
import { createPostgresPheromoneField } from '../activities/swarm/postgres-field.js';
import { createPostgresSwarmState } from '../activities/swarm/postgres-state.js';
import { createAdapters, marketplaceMirror, type Adapters } from '../activities/adapters.js';
import { registerCapabilityRoutes } from '../api/routes/capabilities.js';
import { registerTaskRoutes } from '../api/routes/tasks.js';
import { createMemoryActivities } from '../activities/memory/activities.js';
import { createConfiguredEmbeddings } from '../activities/memory/embeddings/select.js';
import type { EmbeddingService } from '../activities/memory/embeddings/service.js';
import { createModelsActivities } from '../activities/models/activities.js';
import { playbookReasoner } from '../activities/models/playbook-reasoner.js';
import type { Reasoner } from '../activities/models/reasoner.js';
import { createDiscoveryActivities, createToolWriterActivities } from '../activities/capabilities/activities.js';
import { createToolsActivities } from '../activities/tools/activities.js';
import { loadBuiltinTool } from '../activities/tools/builtin/index.js';
import { createToolLoader } from '../activities/tools/loader.js';
import { createPostgresToolRegistry } from '../activities/tools/registry/postgres-registry.js';
import { createToolRegistryActivities } from '../activities/tools/registry-activities.js';
import { createSandbox } from '../activities/tools/sandbox/sandbox.js';
import { privateOriginsFrom, toolsPoolSettings } from '../activities/tools/sandbox-config.js';
import { TASK_QUEUES } from '../core/tasks/queues.js';
import { loadConfig } from '../infra/config.js';
import type { Db } from '../infra/db/pool.js';

export interface InProcessPools {
  shutdown(): Promise<void>;
}

export interface InProcessOptions {
  workflowBundle: WorkflowBundleWithSourceMap;
  reasoner?: Reasoner;
  sandboxThreads?: number;
  /** Where model voters of consensus rounds are asked. */
  modelEndpoint?: ModelEndpoint;
  /** Agent checkpoints; a fresh temporary directory by default. */
  snapshots?: SnapshotStore;
  /** Lets the integrations pool wake agents (Schedules' activation workflow); without it that activity is absent. */
  temporalClient?: Client;
  /** The memory pool's embeddings; by default the configured provider (the local model), closed at shutdown. */
  embeddings?: EmbeddingService;
  /** The ports' adapters (activities/adapters.ts); by default the configured profile's, with `snapshots` for checkpoints. */
  adapters?: Adapters;
}

/**
 * Every pool's real activities on its own task queue, inside one process: for the workflow tests and the
 * benchmarks, where one process is easier to drive. `npm start` runs the same pools as separate processes.
 */
export async function startInProcessPools(connection: NativeConnection, namespace: string, db: Db, options: InProcessOptions): Promise<InProcessPools> {
  const config = loadConfig();
  const settings = await toolsPoolSettings(config);
  const sandbox = createSandbox({ ...settings.sandbox, threads: options.sandboxThreads ?? 1 });
  const registry = createPostgresToolRegistry(db);
  const toolDeps = { sandbox, tools: createToolLoader({ builtin: loadBuiltinTool, registry }), registry, secretAllowed: settings.secretAllowed };
  const common = { connection, namespace };
  const adapters = options.adapters ?? createAdapters(config, { db: () => db, snapshots: options.snapshots ?? createLocalSnapshotStore(mkdtempSync(join(tmpdir(), 'ants-snapshots-'))) });
  const snapshots = adapters.snapshots();
  const ports = { field: adapters.pheromoneField(), state: adapters.swarmState() };
  const embeddings = options.embeddings ?? (await createConfiguredEmbeddings(config));
  const workers = await Promise.all([
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.workflows,
      workflowBundle: options.workflowBundle,
      activities: { ...createLoopActivities(), ...createAuditActivities({ db }), ...createDecisionsActivities({ db, modelEndpoint: options.modelEndpoint }) },
    }),
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.memory,
      activities: { ...createMemoryActivities({ db, embeddings }), ...memoryPoolLifecycleActivities(db, marketplaceMirror(adapters)), ...memoryPoolSwarmActivities(db, ports) },
    }),
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.models,
      activities: { ...createModelsActivities({ reasoner: options.reasoner ?? playbookReasoner, heartbeatIntervalMs: 200 }), ...createToolWriterActivities({}) },
    }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.tools, activities: { ...createToolsActivities(toolDeps), ...createToolRegistryActivities(toolDeps) } }),
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.integrations,
      activities: {
        ...createIntegrationsActivities({ db }),
        ...integrationsPoolLifecycleActivities({ db, snapshots: snapshots.store, temporal: options.temporalClient }),
        ...snapshots.activities,
        ...createDiscoveryActivities({ privateOrigins: privateOriginsFrom(config) }),
      },
    }),
  ]);
  const running = workers.map((w) => w.run());
  const temporal = options.temporalClient;
  // Where tasks arrive on Service Bus, the integrations pool runs the ingress bridge; so does this process.
  const ingress = temporal
    ? adapters.startTaskIngress({
        temporal,
        registerRoutes: (scope) => {
          registerTaskRoutes(scope, { temporal });
          registerCapabilityRoutes(scope, { temporal });
        },
      })
    : undefined;
  return {
    async shutdown() {
      await ingress?.stop();
      for (const worker of workers) worker.shutdown();
      await Promise.all(running);
      await sandbox.close();
      if (!options.embeddings) await embeddings.close();
      if (!options.adapters) await adapters.close();
    },
  };
}

export interface LifecyclePoolOptions {
  workflowBundle: WorkflowBundleWithSourceMap;
  snapshots: SnapshotStore;
  temporalClient?: Client;
  /** Workflow task slots and cached runs of the `workflows` worker (the lifecycle benchmark sizes these). */
  maxCachedWorkflows?: number;
}

/**
 * Only what agent lifecycles need — the workflow code, swarm-state publishing (memory queue) and checkpoints and
 * activation (integrations queue) — in this process: the lifecycle tests and benchmark run thousands of agents
 * without loading the sandbox, the models or the embedding model.
 */
export async function startLifecyclePools(connection: NativeConnection, namespace: string, db: Db, options: LifecyclePoolOptions): Promise<InProcessPools> {
  const common = { connection, namespace };
  const workers = await Promise.all([
    Worker.create({ ...common, taskQueue: TASK_QUEUES.workflows, workflowBundle: options.workflowBundle, ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}) }),
    Worker.create({
      ...common,
      taskQueue: TASK_QUEUES.memory,
      activities: { ...memoryPoolLifecycleActivities(db), ...memoryPoolSwarmActivities(db, { field: createPostgresPheromoneField(db), state: createPostgresSwarmState(db) }) },
    }),
    Worker.create({ ...common, taskQueue: TASK_QUEUES.integrations, activities: integrationsPoolLifecycleActivities({ db, snapshots: options.snapshots, temporal: options.temporalClient }) }),
  ]);
  const running = workers.map((w) => w.run());
  return {
    async shutdown() {
      for (const worker of workers) worker.shutdown();
      await Promise.all(running);
    },
  };
}
