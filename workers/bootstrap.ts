import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { TASK_QUEUES, type PoolName } from '../core/tasks/queues.js';
import { loadConfig, type AntsConfig } from '../infra/config.js';
import { createDb, type Db } from '../infra/db/pool.js';
import { stopWhenParentDies } from '../infra/parent-watch.js';

export interface PoolContext {
  config: AntsConfig;
  /** Created lazily: the pools that never touch Postgres never open a connection. */
  db(): Db;
}

export type PoolSetup = (context: PoolContext) => Promise<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue'> & { close?: () => Promise<void> }>;

/**
 * The one way every pool starts: validated config, a Temporal connection, the pool's own task queue, and a clean
 * shutdown on SIGINT/SIGTERM (the worker drains in-flight activities first, then resources close).
 */
export async function runPool(pool: PoolName, setup: PoolSetup): Promise<void> {
  const config = loadConfig();
  stopWhenParentDies();
  Runtime.install({ logger: new DefaultLogger(config.ANTS_WORKER_LOG_LEVEL) });
  let db: Db | undefined;
  const context: PoolContext = {
    config,
    db() {
      if (!config.DATABASE_URL) throw new Error(`the ${pool} pool needs DATABASE_URL`);
      db ??= createDb(config.DATABASE_URL, config.ANTS_DB_POOL_SIZE, `ants-${pool}`);
      return db;
    },
  };
  const { close, ...options } = await setup(context);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: TASK_QUEUES[pool],
      ...options,
    });
    process.stdout.write(`polling task queue ${TASK_QUEUES[pool]} on ${config.TEMPORAL_ADDRESS}\n`);
    await worker.run();
  } finally {
    await close?.();
    await db?.end();
    await connection.close();
  }
}

export function exitOnFailure(pool: PoolName, run: Promise<void>): void {
  run.catch((error: unknown) => {
    process.stderr.write(`[${pool}] stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
