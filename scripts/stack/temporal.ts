import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { ANTS_SEARCH_ATTRIBUTES } from '../../core/tasks/search-attributes.js';

/**
 * The embedded Temporal of the local profile: `temporal server start-dev` with its Web UI, state in a SQLite file
 * (or in memory for tests), and the project's search attributes registered at start so every run is findable.
 */
export interface DevServerOptions {
  temporalCli: string;
  /** SQLite file; omit for an in-memory server (tests). */
  dbFile?: string;
  port: number;
  uiPort: number;
  namespace: string;
  logFile: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
  ];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const [name, type] of Object.entries(ANTS_SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  return args;
}

export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.healthService.check({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become healthy in ${timeoutMs} ms: ${String(lastError)}`);
}

const INDEXED_VALUE_TYPE = { Keyword: 2, Int: 3 } as const; // temporal.api.enums.v1.IndexedValueType

/**
 * Registers whichever of our search attributes the namespace lacks. The dev server's `--search-attribute` flag
 * only takes effect when its database is created, so a persisted server upgraded to a new attribute needs this;
 * the time-skipping test server has no such flag at all.
 */
export async function registerSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  alreadyKnown?: ReadonlySet<string>,
): Promise<string[]> {
  const known = alreadyKnown ?? new Set(Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}));
  const missing = Object.entries(ANTS_SEARCH_ATTRIBUTES).filter(([name]) => !known.has(name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
    });
  }
  return missing.map(([name]) => name);
}

async function ensureSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await registerSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}

/**
 * A dev server left running by a stack that was killed outright still holds the ports and the SQLite file; it is
 * ours (recorded in the pid file next to the database), so stop it before starting a fresh one.
 */
async function stopLeftoverServer(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running (or no /proc to tell): nothing to stop
  }
  if (!command.includes('start-dev')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i += 1) {
    if (!existsSync(`/proc/${pid}`)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const pidFile = opts.dbFile ? `${opts.dbFile}.pid` : undefined;
  if (opts.dbFile) mkdirSync(join(opts.dbFile, '..'), { recursive: true });
  if (pidFile) await stopLeftoverServer(pidFile);
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.temporalCli, devServerArgs(opts), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (pidFile && child.pid !== undefined) writeFileSync(pidFile, String(child.pid));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${opts.port}`;
  await Promise.race([
    waitForTemporal(address, 60_000),
    exited.then((code) => {
      throw new Error(`temporal server exited early with code ${code}; see ${opts.logFile}`);
    }),
  ]);
  await ensureSearchAttributes(address, opts.namespace);
  return {
    address,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}
