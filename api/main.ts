import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../infra/config.js';
import { createDb } from '../infra/db/pool.js';
import { stopWhenParentDies } from '../infra/parent-watch.js';
import { createAdapters } from '../activities/adapters.js';
import { followCapabilityTrails } from './capabilities/trail-follower.js';
import { buildApi } from './server.js';

/** `tsx api/main.ts`: the API process. Stops accepting on SIGINT/SIGTERM, finishes in-flight requests, then closes. */
async function main(): Promise<void> {
  const config = loadConfig();
  stopWhenParentDies();
  if (!config.DATABASE_URL) throw new Error('the API needs DATABASE_URL');
  const db = createDb(config.DATABASE_URL, config.ANTS_DB_POOL_SIZE, 'ants-api');
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  // The API follows the whole pheromone field: its capability-trail follower serves every tenant.
  const adapters = createAdapters(config, { db: () => db, pheromoneTenants: 'all' });
  const app = buildApi({ db, temporal, config, adapters });
  const capabilityTrails = await followCapabilityTrails({ field: adapters.pheromoneField(), temporal, log: app.log });

  let closing: Promise<void> | undefined;
  const close = (signal: NodeJS.Signals) => {
    closing ??= (async () => {
      app.log.info({ signal }, 'shutting down');
      await app.close();
      await capabilityTrails.stop();
      await adapters.close();
      await connection.close();
      await db.end();
    })();
    return closing;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      close(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`[api] unclean shutdown: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ host: config.ANTS_API_HOST, port: config.ANTS_API_PORT });
  process.stdout.write(`listening on http://${config.ANTS_API_HOST}:${config.ANTS_API_PORT} (Temporal ${config.TEMPORAL_ADDRESS})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[api] stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
