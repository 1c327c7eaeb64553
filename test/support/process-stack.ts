import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { allServices } from '../../scripts/stack/services.js';
import { Supervisor } from '../../scripts/stack/supervisor.js';
import { startDevServer, type DevServer } from '../../scripts/stack/temporal.js';
import { freePort } from './stack.js';

export interface ProcessStack {
  apiUrl: string;
  /** The demo payments API the stack runs (its origin is one tools may reach). */
  demoUrl: string;
  temporal: DevServer;
  supervisor: Supervisor;
  /** Lines each service printed, for assertions and for a readable failure. */
  output: Map<string, string[]>;
  stop(): Promise<void>;
}

/**
 * The service as `npm start` runs it: a real Temporal dev server, every pool and the API as separate supervised
 * processes, against the test database. Only the ports and the server's state directory differ.
 */
export async function startProcessStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessStack> {
  const dir = mkdtempSync(join(tmpdir(), 'ants-stack-'));
  const temporal = await startDevServer({
    temporalCli: inject('temporalCli'),
    dbFile: join(dir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    logFile: join(dir, 'temporal.log'),
  });
  const apiPort = await freePort();
  const demoPort = await freePort();
  const output = new Map<string, string[]>();
  const supervisor = new Supervisor({
    initialBackoffMs: 200,
    output: (service, line) => {
      const lines = output.get(service) ?? [];
      lines.push(line);
      output.set(service, lines);
      if (process.env.ANTS_TEST_VERBOSE) process.stdout.write(`[${service}] ${line}\n`);
    },
  });
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: temporal.address,
    ANTS_API_PORT: String(apiPort),
    ANTS_API_HOST: '127.0.0.1',
    // The demo payments API on a port of its own, so parallel stacks never fight over its default.
    ANTS_DEMO_API_PORT: String(demoPort),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  for (const service of allServices(env)) supervisor.add(service);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await fetch(`${apiUrl}/healthz`)).ok, 90_000, 'the API to answer /healthz');
  await waitFor(async () => ['workflows', 'memory', 'models', 'tools', 'integrations'].every((pool) => (output.get(pool) ?? []).some((l) => l.includes('polling task queue'))), 90_000, 'every pool to poll');
  return {
    apiUrl,
    demoUrl: `http://127.0.0.1:${demoPort}`,
    temporal,
    supervisor,
    output,
    async stop() {
      await supervisor.stop();
      await temporal.stop();
    },
  };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
