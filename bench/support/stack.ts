import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type AntsConfig } from '../../infra/config.js';
import { migrate } from '../../infra/db/migrate.js';
import { createDb, type Db } from '../../infra/db/pool.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/stack/postgres.js';
import { startDevServer, type DevServer } from '../../scripts/stack/temporal.js';
import { readToolchain } from '../../scripts/stack/toolchain.js';

/** A bench's `--name N` flag (a positive whole number), or its default. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

const SILENT = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface BenchStack {
  config: AntsConfig;
  db: Db;
  temporal: DevServer;
  nativeConnection: NativeConnection;
  client: Client;
  /** A scratch directory of this run (server log, snapshots, …). */
  dir: string;
  bundle(workflowsPath: string): Promise<WorkflowBundleWithSourceMap>;
  stop(): Promise<void>;
}

/**
 * What every benchmark stands on: the embedded PostgreSQL (its own data directory, migrated) or DATABASE_URL, an
 * in-memory Temporal dev server on free ports, and connections to it — with workers kept quiet so the figures are
 * the only output.
 */
export async function startBenchStack(name: string, options: { dbPoolSize?: number } = {}): Promise<BenchStack> {
  const config = loadConfig();
  const toolchain = readToolchain(config.antsHome);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } } });
  let postgres: EmbeddedPostgres | undefined;
  if (!config.DATABASE_URL) {
    if (!toolchain.postgresInstallDir) throw new Error('no DATABASE_URL and no embedded PostgreSQL: run npm run bootstrap');
    postgres = await startEmbeddedPostgres({ installDir: toolchain.postgresInstallDir, dir: join(config.antsHome, 'bench', 'pg'), port: Number(process.env.ANTS_BENCH_PG_PORT ?? 55434), database: 'ants_bench' });
  }
  const db = createDb(config.DATABASE_URL ?? postgres?.url ?? '', options.dbPoolSize ?? 10, `ants-bench-${name}`);
  await migrate(db);
  const dir = mkdtempSync(join(tmpdir(), `ants-bench-${name}-`));
  const temporal = await startDevServer({ temporalCli: toolchain.temporalCli, port: await freePort(), uiPort: await freePort(), namespace: 'default', logFile: join(dir, 'temporal.log') });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  return {
    config,
    db,
    temporal,
    nativeConnection,
    client: new Client({ connection }),
    dir,
    bundle: (workflowsPath) => bundleWorkflowCode({ workflowsPath, logger: SILENT }),
    async stop() {
      await nativeConnection.close();
      await connection.close();
      await temporal.stop();
      await db.end();
      if (postgres?.startedHere) await postgres.stop();
    },
  };
}
