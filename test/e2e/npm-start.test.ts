import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/stack.js';
import { waitFor } from '../support/process-stack.js';
import { reconciliationInput } from '../support/tasks.js';

/*
 * `npm start` itself (scripts/dev-stack.ts), on its embedded default: no DATABASE_URL, so it starts its own PostgreSQL
 * under ANTS_HOME, migrates, prints the URLs and a development key, and runs the Temporal dev server with its state in
 * ANTS_HOME. A task submitted before Ctrl-C is still there after a restart, and completes after an approval sent with
 * `temporal workflow signal`. Only the home directory and the ports differ from a developer's run.
 */

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'ants-home-'));
// What the bootstrap installed for this checkout (binaries, the local embedding model); the rest starts empty.
copyFileSync(join(inject('antsHome'), 'toolchain.json'), join(home, 'toolchain.json'));
symlinkSync(join(inject('antsHome'), 'models'), join(home, 'models'));

interface Ports {
  temporal: number;
  ui: number;
  postgres: number;
  api: number;
  demo: number;
}

interface RunningStack {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

let current: RunningStack | undefined;

function startStack(ports: Ports): RunningStack {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANTS_HOME: home,
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    ANTS_PG_PORT: String(ports.postgres),
    ANTS_API_PORT: String(ports.api),
    ANTS_DEMO_API_PORT: String(ports.demo),
    ANTS_API_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  // The embedded default: nothing points the stack at an outside database or Temporal.
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  const child = spawn(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/dev-stack.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  current = { child, lines, exited };
  return current;
}

async function ctrlC(stack: RunningStack): Promise<number | null> {
  stack.child.kill('SIGINT');
  return stack.exited;
}

function listening(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      answer(true);
    });
    socket.once('error', () => answer(false));
  });
}

async function ready(stack: RunningStack, ports: Ports): Promise<void> {
  const failed = () => stack.lines.some((line) => line.includes('failed to start'));
  await waitFor(() => failed() || stack.lines.some((line) => line.includes('Ctrl-C stops everything')), 180_000, `npm start to come up:\n${stack.lines.join('\n')}`);
  if (failed()) throw new Error(stack.lines.join('\n'));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${ports.api}/healthz`).catch(() => undefined))?.ok === true, 90_000, 'the API to answer /healthz');
}

afterAll(async () => {
  if (current && current.child.exitCode === null) await ctrlC(current);
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('npm start', () => {
  it('runs the whole service on its embedded default, keeps tasks across a restart, and stops cleanly on Ctrl-C', async () => {
    const ports: Ports = { temporal: await freePort(), ui: await freePort(), postgres: await freePort(), api: await freePort(), demo: await freePort() };
    const api = `http://127.0.0.1:${ports.api}`;

    const first = startStack(ports);
    await ready(first, ports);
    const printed = first.lines.join('\n');
    expect(printed).toContain(`API            ${api}`);
    expect(printed).toContain(`Temporal UI    http://127.0.0.1:${ports.ui}`);
    expect(printed).toMatch(/PostgreSQL started on 127\.0\.0\.1:\d+/);
    expect(printed).toMatch(/migrations: \d+ applied, 0 already in place/);
    const key = readFileSync(join(home, 'dev-api-key'), 'utf8').trim();
    expect(printed).toContain(`Dev API key    ${key}`);
    expect((await fetch(`http://127.0.0.1:${ports.ui}/`)).ok).toBe(true);
    // The demo payments API comes up with the stack, so capabilities can be built offline.
    expect(printed).toContain(`Demo API       http://127.0.0.1:${ports.demo}`);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${ports.demo}/openapi.json`).catch(() => undefined))?.ok === true, 60_000, 'the demo API to serve its document');

    const submitted = await fetch(`${api}/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ taskId: 'survives-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput() }),
    });
    expect(submitted.status).toBe(202);
    const status = async () => ((await (await fetch(`${api}/v1/tasks/survives-1`, { headers: { authorization: `Bearer ${key}` } })).json()) as { status: string });
    await waitFor(async () => (await status()).status === 'AWAITING_APPROVAL', 90_000, 'the task to wait for approval').catch((error: unknown) => {
      throw new Error(`${String(error)}\n${first.lines.slice(-40).join('\n')}`);
    });

    // Ctrl-C: every process stops, the ports are free again.
    expect(await ctrlC(first)).toBe(0);
    expect(first.lines.at(-1)).toContain('stopped.');
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);

    // A second `npm start` finds the database, the key and Temporal's history where the first left them.
    const second = startStack(ports);
    await ready(second, ports);
    expect(second.lines.join('\n')).toMatch(/migrations: 0 applied, \d+ already in place/);
    expect(second.lines.join('\n')).toContain(`Dev API key    in ${join(home, 'dev-api-key')}`);
    expect((await status()).status).toBe('AWAITING_APPROVAL');

    await run(inject('temporalCli'), [
      'workflow', 'signal', '--address', `127.0.0.1:${ports.temporal}`, '--namespace', 'default',
      '--workflow-id', 'task:dev:survives-1', '--name', 'approve', '--input', JSON.stringify({ approverId: 'alice', comment: 'after a restart' }),
    ]);
    await waitFor(async () => (await status()).status === 'COMPLETED', 90_000, 'the task to complete');

    expect(await ctrlC(second)).toBe(0);
  }, 600_000);
});
