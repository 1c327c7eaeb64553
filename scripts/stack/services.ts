import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POOL_NAMES, type PoolName } from '../../core/tasks/queues.js';
import { loadConfig } from '../../infra/config.js';
import type { ServiceSpec } from './supervisor.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A TypeScript entry point run by Node through tsx, the same way in `npm start` and in the process tests. */
function tsEntry(name: string, file: string, env: NodeJS.ProcessEnv): ServiceSpec {
  return { name, command: process.execPath, args: ['--import', 'tsx', join(ROOT, file)], env, cwd: ROOT };
}

export function poolService(pool: PoolName, env: NodeJS.ProcessEnv): ServiceSpec {
  return tsEntry(pool, join('workers', `${pool}.ts`), env);
}

export function apiService(env: NodeJS.ProcessEnv): ServiceSpec {
  return tsEntry('api', join('api', 'main.ts'), env);
}

/** The local demo payments API (infra/demo/payments), so building an integration from an API spec works offline. */
export function demoApiService(env: NodeJS.ProcessEnv): ServiceSpec {
  return tsEntry('demo-api', join('infra', 'demo', 'payments', 'main.ts'), env);
}

/** Every worker pool, the API, and the demo payments API unless ANTS_DEMO_API_PORT is 0: what `npm start` supervises. */
export function allServices(env: NodeJS.ProcessEnv): ServiceSpec[] {
  // The services see process.env under `env` (see Supervisor), so the setting is read the same way here.
  const demoApiPort = loadConfig({ ...process.env, ...env }).ANTS_DEMO_API_PORT;
  return [...POOL_NAMES.map((pool) => poolService(pool, env)), apiService(env), ...(demoApiPort === 0 ? [] : [demoApiService(env)])];
}
