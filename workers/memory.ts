import { createMemoryActivities } from '../activities/memory/activities.js';
import { createConfiguredEmbeddings } from '../activities/memory/embeddings/select.js';
import { embedPendingForAllTenants } from '../activities/memory/backfill.js';
import { memoryPoolLifecycleActivities } from '../activities/lifecycle/index.js';
import { memoryPoolSwarmActivities } from '../activities/swarm/index.js';
import { createAdapters, marketplaceMirror } from '../activities/adapters.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/** PostgreSQL memory and embeddings: its own pool so the database connection budget is spent in one place. */
exitOnFailure(
  'memory',
  runPool('memory', async ({ db, config }) => {
    const embeddings = await createConfiguredEmbeddings(config);
    const activities = createMemoryActivities({
      db: db(),
      embeddings,
      settings: {
        similarityMin: config.ANTS_MEMORY_SIMILARITY_MIN,
        exactScanMaxRows: config.ANTS_MEMORY_EXACT_SCAN_MAX_ROWS,
        coldAfterDays: config.ANTS_MEMORY_COLD_AFTER_DAYS,
      },
    });
    // Rows from before vector memory get their embeddings in the background; a failure is retried at next start.
    embedPendingForAllTenants(db(), activities).catch((error: unknown) => {
      process.stderr.write(`[memory] embedding earlier memories failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    const adapters = createAdapters(config, { db });
    const ports = { field: adapters.pheromoneField(), state: adapters.swarmState() };
    return {
      // One activity per database connection (every activity here uses one): a task beyond that waits in the task
      // queue, where it counts as backlog (and scales the pool), not half-done in this process waiting for a
      // connection. A marketplace award that waits mid-way decides on what the swarm looked like seconds before, which
      // is what spreads work unevenly under load (bench/swarm).
      maxConcurrentActivityTaskExecutions: config.ANTS_DB_POOL_SIZE,
      activities: { ...activities, ...memoryPoolLifecycleActivities(db(), marketplaceMirror(adapters)), ...memoryPoolSwarmActivities(db(), ports) },
      close: async () => {
        await embeddings.close();
        await adapters.close();
      },
    };
  }),
);
