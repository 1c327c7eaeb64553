import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POOL_NAMES, type PoolName } from '../../core/tasks/queues.js';
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

/** Every worker pool and the API: what `npm start` supervises. */
export function allServices(env: NodeJS.ProcessEnv): ServiceSpec[] {
  return [...POOL_NAMES.map((pool) => poolService(pool, env)), apiService(env)];
}
