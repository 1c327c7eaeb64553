import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../api/cli/main.js';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import type { Role } from '../../api/auth/roles.js';
import { buildApi } from '../../api/server.js';
import { SEVERITY_RANK } from '../../core/decisions/requests.js';
import type { Db } from '../../infra/db/pool.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';
import { startInProcessPools, type InProcessPools } from '../support/workers.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let app: FastifyInstance;
let apiUrl: string;

beforeAll(async () => {
  env = await startLocalTemporal();
  db = testDb();
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db);
  app = buildApi({ db, temporal: env.client, logLevel: 'silent', consensusModels: [] });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app?.close();
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

type Body = Record<string, unknown> & { error?: { code: string; message: string } };

async function call(key: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: response.status === 204 ? {} : ((await response.json()) as Body) };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function tenantWithKeys() {
  const id = freshTenant('inbox');
  await createTenant(db, id, 'Inbox tests');
  const key = async (role: Role, name: string) => (await createApiKey(db, { tenant: id, name, role })).key;
  return { id, operator: await key('operator', 'olivia'), approver: await key('approver', 'alice'), admin: await key('admin', 'ada'), viewer: await key('viewer', 'victor') };
}

interface Item {
  id: string;
  severity: keyof typeof SEVERITY_RANK;
  requestedAt: string;
  status: string;
  context: { summary: string; reasons: string[]; details: Record<string, unknown> };
}

describe('the approvals inbox API', () => {
  it('lists pending requests by priority with context, decides with a comment, refuses the wrong role, and counts it in the metrics', async () => {
    const t = await tenantWithKeys();
    for (const taskId of ['low-1', 'low-2']) {
      expect((await call(t.operator, 'POST', '/v1/tasks', { taskId, agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput(0), requireApproval: true })).status).toBe(202);
    }
    expect((await call(t.operator, 'POST', '/v1/tasks', { taskId: 'medium-1', agentType: 'hr.onboarding', taskType: 'onboard_employee', input: { employee: { id: 'e-1', name: 'Ana', role: 'engineer', department: 'it', startDate: '2026-12-01' } } })).status).toBe(202);
    const listed = await eventually(() => call(t.viewer, 'GET', '/v1/approvals?status=pending'), (r) => (r.body.approvals as Item[] | undefined)?.length === 3, 'the requests');
    const items = listed.body.approvals as Item[];
    expect(items[0]).toMatchObject({ id: 'task.medium-1', severity: 'medium' }); // the most severe first, then by age
    const order = items.map((i) => [SEVERITY_RANK[i.severity], -Date.parse(i.requestedAt)]);
    expect(order).toEqual([...order].sort((a, b) => (b[0] ?? 0) - (a[0] ?? 0) || (b[1] ?? 0) - (a[1] ?? 0)));
    const low1 = items.find((i) => i.id === 'task.low-1');
    expect(low1?.context.reasons).toContain('policy requires a human decision');
    expect(low1?.context.summary).toMatch(/proposes \d+ effect\(s\)/);

    const cli = { out: '', err: '' };
    const code = await runCli(['approvals', 'list'], { ANTS_API_URL: apiUrl, ANTS_API_KEY: t.viewer }, { stdout: (s) => (cli.out += s), stderr: (s) => (cli.err += s) });
    expect(code).toBe(0);
    expect(cli.out).toContain('task.low-1');
    expect(cli.out).toContain('policy requires a human decision');

    const byOperator = await call(t.operator, 'POST', '/v1/approvals/task.low-1/decision', { decision: 'approve' });
    expect(byOperator.status).toBe(403);
    expect((await call(t.approver, 'POST', '/v1/approvals/task.nope/decision', { decision: 'approve' })).status).toBe(404);
    expect((await call(t.approver, 'POST', '/v1/approvals/not-a-request/decision', { decision: 'approve' })).status).toBe(400);
    const approved = await call(t.approver, 'POST', '/v1/approvals/task.low-1/decision', { decision: 'approve', comment: 'checked' });
    expect(approved).toMatchObject({ status: 200, body: { decision: 'approve', approverId: 'alice', comment: 'checked', via: 'update' } });
    const task = await eventually(() => call(t.viewer, 'GET', '/v1/tasks/low-1'), (r) => r.body.runStatus === 'COMPLETED', 'the task to complete');
    expect(task.body).toMatchObject({ status: 'COMPLETED', result: { approval: { approverId: 'alice', comment: 'checked' } } });
    expect((await call(t.approver, 'POST', '/v1/approvals/task.low-1/decision', { decision: 'reject' })).status).toBe(409);

    // The CLI decides a request by its id, like a task by its own.
    const rejected = await runCli(['reject', 'task.low-2', '--comment', 'not now'], { ANTS_API_URL: apiUrl, ANTS_API_KEY: t.approver }, { stdout: () => undefined, stderr: () => undefined });
    expect(rejected).toBe(0);
    await eventually(() => call(t.viewer, 'GET', '/v1/approvals/task.low-2'), (r) => r.body.status === 'rejected', 'the rejection to be recorded');

    const refusals = await db.query<{ actor: string; details: { status: number } }>("select actor, details from audit_log where tenant_id = $1 and kind = 'approval.refused' order by id", [t.id]);
    expect(refusals.rows.map((r) => [r.actor, r.details.status])).toEqual([
      ['olivia', 403],
      ['alice', 409],
    ]);
    const metrics = await call(t.viewer, 'GET', '/v1/metrics/decisions');
    expect(metrics.body).toMatchObject({ outcomes: { approved: 1, rejected: 1 }, timeToDecisionSeconds: { count: 2 } });
    expect(metrics.body.humanRequests).toBeGreaterThanOrEqual(2);
    expect(metrics.body.humanApprovalRate).toBeGreaterThan(0);
  });

  it('decides an escalated consensus round with any of its options, refusing an option the round does not offer', async () => {
    const t = await tenantWithKeys();
    const round = {
      roundId: 'split-1',
      question: 'Which team handles this?',
      options: ['Triage the security alert', 'Reconcile the payments'],
      voters: [{ agentType: 'selfops.secops' }, { agentType: 'finance.reconciliation' }],
      quorum: 2,
      minAgreement: 0.75,
    };
    expect((await call(t.operator, 'POST', '/v1/consensus', round)).status).toBe(202);
    const pending = await eventually(() => call(t.viewer, 'GET', '/v1/approvals/consensus.split-1'), (r) => r.status === 200 && r.body.status === 'pending', 'the escalation');
    const proposed = (pending.body.proposal as { option: string }).option;
    const other = ['triage-the-security-alert', 'reconcile-the-payments'].find((o) => o !== proposed) ?? '';

    const url = '/v1/approvals/consensus.split-1/decision';
    const unknown = await call(t.approver, 'POST', url, { decision: 'approve', option: 'do-nothing' });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'invalid_request', field: 'option' } } });
    expect(unknown.body.error?.message).toMatch(/"do-nothing" is not an option of this request/);
    expect((await call(t.approver, 'POST', url, { decision: 'reject', option: other })).status).toBe(400);
    const cliErr = { text: '' };
    expect(await runCli(['reject', 'consensus.split-1', '--option', other], { ANTS_API_URL: apiUrl, ANTS_API_KEY: t.approver }, { stdout: () => undefined, stderr: (s) => (cliErr.text += s) })).toBe(2);
    expect(cliErr.text).toContain('a rejection adopts no option');

    // The person overrules the swarm's leading option through the CLI's --option.
    const out = { text: '' };
    const code = await runCli(['approve', 'consensus.split-1', '--option', other, '--comment', 'the other team owns it'], { ANTS_API_URL: apiUrl, ANTS_API_KEY: t.approver }, {
      stdout: (s) => (out.text += s),
      stderr: (s) => (out.text += s),
    });
    expect(code).toBe(0);
    expect(out.text).toContain(`approved (${other}) by alice`);
    const done = await eventually(() => call(t.viewer, 'GET', '/v1/consensus/split-1'), (r) => r.body.runStatus === 'COMPLETED', 'the round');
    expect(done.body.round).toMatchObject({ status: 'escalated_approved', decision: other, approval: { approverId: 'alice', option: other } });
    expect((await call(t.approver, 'POST', url, { decision: 'approve', option: other })).status).toBe(409);
  });

  it('lets only an admin change delegation modes and escalation tiers, and runs consensus rounds over HTTP', async () => {
    const t = await tenantWithKeys();
    const change = { agentType: 'finance.reconciliation', mode: 'human_on_the_loop', revertWindowSeconds: 600 };
    expect((await call(t.approver, 'POST', '/v1/delegation-modes', change)).status).toBe(403);
    expect((await call(t.operator, 'POST', '/v1/delegation-modes', change)).status).toBe(403);
    expect((await call(t.admin, 'POST', '/v1/delegation-modes', { ...change, mode: 'sometimes' })).status).toBe(400);
    const changed = await call(t.admin, 'POST', '/v1/delegation-modes', change);
    expect(changed.body.modes).toEqual([expect.objectContaining({ agentType: 'finance.reconciliation', mode: 'human_on_the_loop', revertWindowSeconds: 600, updatedBy: 'ada' })]);
    expect((await call(t.admin, 'POST', '/v1/approval-tiers', { tiers: [{ name: 'leads', group: 'leads', members: ['alice'], timeoutSeconds: 600 }] })).status).toBe(204);

    const round = {
      roundId: 'r-1',
      question: 'Which team handles this?',
      options: ['Triage the security alert', 'Reconcile the payments'],
      voters: [{ agentType: 'selfops.secops' }],
      quorum: 1,
      minAgreement: 0.5,
      expected: 'triage-the-security-alert',
    };
    expect((await call(t.operator, 'POST', '/v1/consensus', { ...round, voters: [{ agentType: 'no.such.agent' }] })).status).toBe(400);
    expect((await call(t.operator, 'POST', '/v1/consensus', { ...round, quorum: 2 })).status).toBe(400);
    const started = await call(t.operator, 'POST', '/v1/consensus', round);
    expect(started).toMatchObject({ status: 202, body: { roundId: 'r-1', created: true, voters: ['agent:selfops.secops'] } });
    expect((await call(t.operator, 'POST', '/v1/consensus', round)).body.created).toBe(false);
    const done = await eventually(() => call(t.viewer, 'GET', '/v1/consensus/r-1'), (r) => r.body.runStatus === 'COMPLETED', 'the round');
    expect(done.body.round).toMatchObject({ status: 'decided', decision: 'triage-the-security-alert' });
    expect((await call(t.viewer, 'GET', '/v1/consensus/r-404')).status).toBe(404);
    const metrics = await call(t.viewer, 'GET', '/v1/metrics/decisions');
    expect(metrics.body.consensus).toMatchObject({ rounds: 1, decidedWithoutHuman: 1, labelled: 1, accuracy: 1 });

    const document = await (await fetch(`${apiUrl}/openapi.json`)).json() as { paths: Record<string, unknown> };
    expect(JSON.stringify(document)).toContain('option');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/approvals', '/v1/approvals/{id}/decision', '/v1/consensus', '/v1/consensus/{id}', '/v1/metrics/decisions']));
  });
});
