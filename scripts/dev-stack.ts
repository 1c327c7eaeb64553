import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../infra/config.js';
import { migrate } from '../infra/db/migrate.js';
import { createDb } from '../infra/db/pool.js';
import { ensureDevApiKey } from './stack/dev-key.js';
import { ensureMemoryUpkeepScheduleAt } from './stack/memory-upkeep.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './stack/postgres.js';
import { allServices } from './stack/services.js';
import { Supervisor } from './stack/supervisor.js';
import { startDevServer } from './stack/temporal.js';
import { readToolchain } from './stack/toolchain.js';

/**
 * `npm start`: the whole service on its embedded default. PostgreSQL (+pgvector) and the Temporal dev server keep
 * their state under ANTS_HOME, so tasks survive a restart; every pool and the API run as supervised processes.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const toolchain = readToolchain(config.antsHome);
  mkdirSync(config.antsHome, { recursive: true });
  const say = (line: string) => process.stdout.write(`[ants] ${line}\n`);

  let postgres: EmbeddedPostgres | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    if (!toolchain.postgresInstallDir) throw new Error('no DATABASE_URL and no embedded PostgreSQL: run npm run bootstrap');
    postgres = await startEmbeddedPostgres({ installDir: toolchain.postgresInstallDir, dir: join(config.antsHome, 'pg'), port: config.ANTS_PG_PORT, database: 'ants' });
    databaseUrl = postgres.url;
    say(`PostgreSQL ${postgres.startedHere ? 'started' : 'already running'} on 127.0.0.1:${config.ANTS_PG_PORT}`);
  }
  const db = createDb(databaseUrl, 2, 'ants-dev-stack');
  const report = await migrate(db);
  say(`migrations: ${report.applied.length} applied, ${report.alreadyApplied.length} already in place`);
  const devKey = await ensureDevApiKey(db, config.antsHome);
  await db.end();

  const temporal = await startDevServer({
    temporalCli: toolchain.temporalCli,
    dbFile: join(config.antsHome, 'temporal', 'ants.db'),
    port: config.TEMPORAL_PORT,
    uiPort: config.TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    logFile: join(config.antsHome, 'temporal', 'server.log'),
  });
  say(`Temporal dev server on ${temporal.address}`);
  const upkeep = await ensureMemoryUpkeepScheduleAt(temporal.address, config.TEMPORAL_NAMESPACE, config);
  say(`memory upkeep schedule ${upkeep} (every ${config.ANTS_MEMORY_UPKEEP_EVERY_HOURS} h)`);

  const supervisor = new Supervisor();
  const env = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, ANTS_HOME: config.antsHome };
  for (const service of allServices(env)) supervisor.add(service);

  const apiUrl = `http://${config.ANTS_API_HOST}:${config.ANTS_API_PORT}`;
  say('');
  say(`API            ${apiUrl}   (OpenAPI: ${apiUrl}/openapi.json)`);
  if (config.ANTS_DEMO_API_PORT !== 0) {
    const demoUrl = `http://${config.ANTS_API_HOST}:${config.ANTS_DEMO_API_PORT}`;
    say(`Demo API       ${demoUrl}   (OpenAPI: ${demoUrl}/openapi.json, key in ANTS_DEMO_API_KEY)`);
  }
  say(`Temporal UI    ${temporal.uiUrl}`);
  say(`Temporal       ${temporal.address} (namespace ${config.TEMPORAL_NAMESPACE})`);
  say(`Dev API key    ${devKey.created ? devKey.key : `in ${devKey.file}`}  (tenant ${devKey.tenant}, role admin)`);
  say('Ctrl-C stops everything.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping workers and API…`);
    await supervisor.stop();
    await temporal.stop();
    // The embedded database is this stack's own, even when a killed earlier run left it running: stop it too.
    if (postgres) await postgres.stop();
    say('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  temporal.process.once('exit', (code) => {
    if (!stopping) {
      say(`the Temporal dev server exited (code ${code}); stopping`);
      void stop('temporal-exit');
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`[ants] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
