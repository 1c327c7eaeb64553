import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../infra/db/pool.js';
import { migrate } from '../../infra/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/stack/postgres.js';
import { readToolchain } from '../../scripts/stack/toolchain.js';

/**
 * Once per `npm test`: a real PostgreSQL (+pgvector) for the whole run, in its own data directory so a running
 * `npm start` is never touched, with the migrations applied. Tests isolate themselves by tenant id.
 */
let postgres: EmbeddedPostgres | undefined;

export default async function setup(project: TestProject) {
  const antsHome = resolve(process.env.ANTS_HOME ?? '.ants');
  const toolchain = readToolchain(antsHome);
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    if (!toolchain.postgresInstallDir) throw new Error('no DATABASE_URL and no embedded PostgreSQL installed: run npm run bootstrap');
    postgres = await startEmbeddedPostgres({
      installDir: toolchain.postgresInstallDir,
      dir: join(antsHome, 'test', 'pg'),
      port: Number(process.env.ANTS_TEST_PG_PORT ?? 55433),
      database: 'ants_test',
    });
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
