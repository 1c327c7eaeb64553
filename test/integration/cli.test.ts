import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { EXIT, runCli } from '../../api/cli/main.js';
import { buildApi } from '../../api/server.js';
import type { Db } from '../../infra/db/pool.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';
import { startInProcessPools, type InProcessPools } from '../support/workers.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let app: FastifyInstance;
let apiUrl: string;
let scratch: string;

beforeAll(async () => {
  env = await startLocalTemporal();
  db = testDb();
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db);
  app = buildApi({ db, temporal: env.client, logLevel: 'silent' });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  scratch = await mkdtemp(join(tmpdir(), 'ants-cli-'));
});

afterAll(async () => {
  await app?.close();
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs `ants …` in-process against the listening API, as the `ants` binary would. */
async function ants(apiKey: string | undefined, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { ANTS_API_URL: apiUrl, ANTS_API_KEY: apiKey }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function antsJson(apiKey: string, ...argv: string[]): Promise<Record<string, unknown>> {
  const run = await ants(apiKey, ...argv, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(EXIT.ok);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

async function statusOf(apiKey: string, taskId: string, wanted: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await antsJson(apiKey, 'task', 'status', taskId);
    if (answer.status === wanted) return answer;
    if (Date.now() > deadline) throw new Error(`task ${taskId} never reached ${wanted}: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ants CLI', () => {
  it('submits from a file, shows status, approves, and the task completes', async () => {
    const tenant = freshTenant('cli');
    await createTenant(db, tenant, 'CLI tests');
    const operator = (await createApiKey(db, { tenant, name: 'oscar', role: 'operator' })).key;
    const approver = (await createApiKey(db, { tenant, name: 'april', role: 'approver' })).key;
    const inputFile = join(scratch, 'input.json');
    await writeFile(inputFile, JSON.stringify(reconciliationInput(0.5)));
    const submitArgs = ['task', 'submit', '--agent-type', 'finance.reconciliation', '--task-type', 'reconcile_payments', '--task-id', 'cli-1', '--priority', '4', '--input-file', inputFile];

    const submitted = await antsJson(operator, ...submitArgs);
    expect(submitted).toMatchObject({ taskId: 'cli-1', tenant, workflowId: `task:${tenant}:cli-1`, created: true });

    const repeat = await ants(operator, ...submitArgs);
    expect(repeat.code).toBe(EXIT.ok);
    expect(repeat.stdout).toContain('Task cli-1 was already submitted');

    const waiting = await statusOf(operator, 'cli-1', 'AWAITING_APPROVAL');
    expect(waiting).toMatchObject({ runStatus: 'RUNNING', view: { step: 'awaiting_approval' } });
    const human = await ants(operator, 'task', 'status', 'cli-1');
    expect(human.stdout).toContain(`Task cli-1 (tenant ${tenant}): AWAITING_APPROVAL`);
    expect(human.stdout).toMatch(/effects\s+3 proposed/);

    const approved = await antsJson(approver, 'approve', 'cli-1', '--comment', 'bank fees');
    expect(approved).toMatchObject({ decision: 'approve', approverId: 'april', comment: 'bank fees', via: 'update' });

    const done = await statusOf(operator, 'cli-1', 'COMPLETED');
    expect(done).toMatchObject({ result: { status: 'COMPLETED', approval: { approverId: 'april' } } });
    const applied = await db.query('select 1 from applied_effects where tenant_id = $1 and task_id = $2', [tenant, 'cli-1']);
    expect(applied.rowCount).toBe(3);

    const late = await ants(approver, 'reject', 'cli-1');
    expect(late.code).toBe(EXIT.failed);
    expect(late.stderr).toContain('409 not_waiting');
    expect(late.stdout).toBe('');
  });

  it('exits 1 with the API’s message when the API refuses', async () => {
    const tenant = freshTenant('cli');
    await createTenant(db, tenant, 'CLI tests');
    const viewer = (await createApiKey(db, { tenant, name: 'val', role: 'viewer' })).key;
    const refused = await ants(viewer, 'task', 'submit', '--agent-type', 'finance.reconciliation', '--task-type', 'reconcile_payments', '--task-id', 'x', '--input', '{}');
    expect(refused).toMatchObject({ code: EXIT.failed, stdout: '' });
    expect(refused.stderr).toBe('ants: 403 forbidden: role viewer may not submit\n');

    const unknown = await ants(viewer, 'task', 'status', 'nothing-here', '--json');
    expect(unknown.code).toBe(EXIT.failed);
    expect(unknown.stderr).toContain('404 not_found');
  });

  it('exits 2 for usage errors without calling the API', async () => {
    const missingFlag = await ants('ants_whatever', 'task', 'submit', '--task-id', 'x', '--input', '{}');
    expect(missingFlag.code).toBe(EXIT.usage);
    expect(missingFlag.stderr).toContain('--agent-type is required');
    expect(missingFlag.stderr).toContain('usage: ants');

    expect((await ants('k', 'task', 'launch')).code).toBe(EXIT.usage);
    expect((await ants('k', 'approve')).code).toBe(EXIT.usage);
    expect((await ants('k', 'task', 'status', 'a', '--colour')).code).toBe(EXIT.usage);
    expect((await ants('k', 'task', 'submit', '--agent-type', 'a', '--task-type', 'b', '--task-id', 'c', '--input', '{nope')).stderr).toContain('--input is not valid JSON');
    expect((await ants(undefined, 'task', 'status', 'a')).stderr).toContain('no API key');
    expect((await ants('k', '--help')).code).toBe(EXIT.ok);
  });
});
