import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../infra/db/pool.js';
import { migrate } from '../../infra/db/migrate.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/stack/postgres.js';
import { readToolchain } from '../../scripts/stack/toolchain.js';

/**
 * Once per `npm test`: a real PostgreSQL (+pgvector) for the whole run, in a data directory and on a port of its
 * own — so neither a running `npm start` nor another test run in the same checkout is touched — with the
 * migrations applied. Tests isolate themselves by tenant id. The cluster is removed when the run ends.
 */
let postgres: EmbeddedPostgres | undefined;
let clusterDir: string | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Clusters of runs that were killed before their teardown (their owner is gone): stop their server, remove them. */
function removeAbandonedClusters(runsDir: string): void {
  if (!existsSync(runsDir)) return;
  for (const entry of readdirSync(runsDir)) {
    const owner = /^pg-run-(\d+)-/.exec(entry)?.[1];
    if (!owner || isAlive(Number(owner))) continue;
    const dir = join(runsDir, entry);
    const pidFile = join(dir, 'data', 'postmaster.pid');
    const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
    if (Number.isInteger(postmaster) && isAlive(postmaster)) process.kill(postmaster, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject) {
  const antsHome = resolve(process.env.ANTS_HOME ?? '.ants');
  const toolchain = readToolchain(antsHome);
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    if (!toolchain.postgresInstallDir) throw new Error('no DATABASE_URL and no embedded PostgreSQL installed: run npm run bootstrap');
    const runsDir = join(antsHome, 'test');
    removeAbandonedClusters(runsDir);
    clusterDir = join(runsDir, `pg-run-${process.pid}-${Date.now()}`);
    postgres = await startEmbeddedPostgres({ installDir: toolchain.postgresInstallDir, dir: clusterDir, port: await freePort(), database: 'ants_test' });
    databaseUrl = postgres.url;
  }
  const db = createDb(databaseUrl, 2, 'ants-test-setup');
  try {
    await migrate(db);
  } finally {
    await db.end();
  }
  project.provide('databaseUrl', databaseUrl);
  project.provide('antsHome', antsHome);
  project.provide('temporalCli', toolchain.temporalCli);
  project.provide('temporalTestServer', toolchain.temporalTestServer);
  return async () => {
    if (postgres?.startedHere) await postgres.stop();
    if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    antsHome: string;
    temporalCli: string;
    temporalTestServer: string;
  }
}
