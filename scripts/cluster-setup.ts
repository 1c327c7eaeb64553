import { Connection } from '@temporalio/client';
import { loadConfig } from '../infra/config.js';
import { migrate } from '../infra/db/migrate.js';
import { createDb } from '../infra/db/pool.js';
import { ensureMemoryUpkeepScheduleAt } from './stack/memory-upkeep.js';
import { ensureNamespace, untilNamespaceServes } from './stack/namespace.js';
import { registerSearchAttributes } from './stack/temporal.js';

/**
 * What a cluster needs once per release, run as a one-shot job before the pools and the API start (the
 * `ants-setup` service of docker-compose.yml; a Kubernetes Job in production): the database migrations, the
 * namespace, its search attributes, and the Schedules. Each step is idempotent, so the job can run on every deploy.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('cluster setup needs DATABASE_URL');
  const db = createDb(config.DATABASE_URL, 1, 'ants-cluster-setup');
  try {
    const report = await migrate(db);
    process.stdout.write(`migrations: ${report.applied.length} applied, ${report.alreadyApplied.length} already in place\n`);
  } finally {
    await db.end();
  }
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const registered = await ensureNamespace(connection, config.TEMPORAL_NAMESPACE, config.TEMPORAL_RETENTION_DAYS);
    process.stdout.write(`namespace ${config.TEMPORAL_NAMESPACE}: ${registered ? `registered (${config.TEMPORAL_RETENTION_DAYS} days retention)` : 'in place'}\n`);
    const added = await untilNamespaceServes(() => registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE));
    process.stdout.write(`search attributes: ${added.length ? `added ${added.join(', ')}` : 'all in place'}\n`);
  } finally {
    await connection.close();
  }
  const upkeep = await ensureMemoryUpkeepScheduleAt(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, config);
  process.stdout.write(`memory upkeep schedule ${upkeep}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster setup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
