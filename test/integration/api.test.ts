import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant, revokeApiKey } from '../../api/auth/keys.js';
import type { Role } from '../../api/auth/roles.js';
import { BODY_LIMIT_BYTES } from '../../api/limits.js';
import { buildApi } from '../../api/server.js';
import { taskWorkflowId } from '../../core/tasks/queues.js';
import { createDb, type Db } from '../../infra/db/pool.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';
import { startInProcessPools, type InProcessPools } from '../support/workers.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let app: FastifyInstance;

/** One tenant and a key per person; `olivia` submits, and also holds an approver key to try approving her own work. */
interface Tenant {
  id: string;
  keys: Record<'operator' | 'viewer' | 'approver' | 'admin' | 'selfApprover' | 'revoked', string>;
}

async function tenantWithKeys(): Promise<Tenant> {
  const id = freshTenant('api');
  await createTenant(db, id, 'API tests');
  const key = async (role: Role, name: string) => (await createApiKey(db, { tenant: id, name, role })).key;
  const revoked = await createApiKey(db, { tenant: id, name: 'former-employee', role: 'admin' });
  await revokeApiKey(db, revoked.keyId);
  return {
    id,
    keys: {
      operator: await key('operator', 'olivia'),
      viewer: await key('viewer', 'victor'),
      approver: await key('approver', 'alice'),
      admin: await key('admin', 'ada'),
      selfApprover: await key('approver', 'olivia'),
      revoked: revoked.key,
    },
  };
}

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

async function call(key: string | undefined, method: 'GET' | 'POST', url: string, payload?: InjectOptions['payload'], headers: Record<string, string> = {}) {
  const response = await app.inject({
    method,
    url,
    payload,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

function errorOf(body: Record<string, unknown>): ErrorBody['error'] {
  return (body as unknown as ErrorBody).error;
}

function reconcile(taskId: string, extra: Record<string, unknown> = {}) {
  return { taskId, agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput(0.5), ...extra };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function workflowExists(tenant: string, taskId: string): Promise<boolean> {
  return env.client.workflow
    .getHandle(taskWorkflowId(tenant, taskId))
    .describe()
    .then(() => true)
    .catch(() => false);
}

async function workflowCount(query: string): Promise<number> {
  return (await env.client.workflow.count(query)).count;
}

async function auditRows(tenant: string) {
  const rows = await db.query<{ task_id: string; kind: string; actor: string; details: Record<string, unknown> }>(
    'select task_id, kind, actor, details from audit_log where tenant_id = $1 order by id',
    [tenant],
  );
  return rows.rows;
}

beforeAll(async () => {
  env = await startLocalTemporal();
  db = testDb();
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db);
  app = buildApi({ db, temporal: env.client, logLevel: 'silent' });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

describe('authentication and authorization', () => {
  it('answers 401 without a key, with an invalid or unknown key and with a revoked key, and writes nothing', async () => {
    const tenant = await tenantWithKeys();
    const unknownKey = tenant.keys.operator.replace(/^ants_.{12}/, `ants_${'Q'.repeat(12)}`);
    const attempts = [undefined, 'not-a-key', unknownKey, tenant.keys.revoked];
    for (const [index, key] of attempts.entries()) {
      const submitted = await call(key, 'POST', '/v1/tasks', reconcile(`unauth-${index}`));
      expect(submitted.status).toBe(401);
      expect(errorOf(submitted.body).code).toBe('unauthorized');
      expect((await call(key, 'GET', `/v1/tasks/unauth-${index}`)).status).toBe(401);
    }
    // The same key in x-api-key is accepted; a wrong Authorization scheme is not.
    expect((await call(undefined, 'GET', '/v1/tasks/none', undefined, { 'x-api-key': tenant.keys.viewer })).status).toBe(404);
    expect((await call(undefined, 'GET', '/v1/tasks/none', undefined, { authorization: `Basic ${tenant.keys.viewer}` })).status).toBe(401);

    expect(await auditRows(tenant.id)).toEqual([]);
    for (const index of attempts.keys()) expect(await workflowExists(tenant.id, `unauth-${index}`)).toBe(false);
  });

  it('answers 403 when a viewer submits or the body names another tenant, and starts nothing', async () => {
    const tenant = await tenantWithKeys();
    const byViewer = await call(tenant.keys.viewer, 'POST', '/v1/tasks', reconcile('by-viewer'));
    expect(byViewer.status).toBe(403);
    expect(errorOf(byViewer.body)).toMatchObject({ code: 'forbidden', message: 'role viewer may not submit' });

    const otherTenant = freshTenant('other');
    const crossTenant = await call(tenant.keys.admin, 'POST', '/v1/tasks', reconcile('cross', { tenant: otherTenant }));
    expect(crossTenant.status).toBe(403);
    expect(errorOf(crossTenant.body)).toMatchObject({ code: 'forbidden', field: 'tenant' });

    expect(await workflowExists(tenant.id, 'by-viewer')).toBe(false);
    expect(await workflowExists(otherTenant, 'cross')).toBe(false);
    expect(await workflowExists(tenant.id, 'cross')).toBe(false);
    expect(await auditRows(tenant.id)).toEqual([]);
  });
});

describe('request validation', () => {
  it('answers 400 naming the field for malformed JSON, unknown agent or task types, invalid input and unknown fields', async () => {
    const tenant = await tenantWithKeys();
    const key = tenant.keys.operator;

    const malformed = await call(key, 'POST', '/v1/tasks', '{"taskId": "broken",', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed.body).code).toBe('invalid_json');

    const notJson = await call(key, 'POST', '/v1/tasks', 'taskId=broken', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(415);
    expect(errorOf(notJson.body).code).toBe('unsupported_media_type');

    const unknownAgent = await call(key, 'POST', '/v1/tasks', reconcile('bad-agent', { agentType: 'finance.nothing' }));
    expect(unknownAgent.status).toBe(400);
    expect(errorOf(unknownAgent.body)).toMatchObject({ code: 'invalid_request', field: 'agentType' });
    expect(errorOf(unknownAgent.body).message).toContain('unknown agent type "finance.nothing"');

    const unknownTaskType = await call(key, 'POST', '/v1/tasks', reconcile('bad-type', { taskType: 'pay_everyone' }));
    expect(unknownTaskType.status).toBe(400);
    expect(errorOf(unknownTaskType.body)).toMatchObject({ field: 'taskType' });

    const input = reconciliationInput();
    const invoices = input.invoices as Array<Record<string, unknown>>;
    invoices[1] = { ...invoices[1], amount: 'a lot' };
    const badInput = await call(key, 'POST', '/v1/tasks', reconcile('bad-input', { input }));
    expect(badInput.status).toBe(400);
    expect(errorOf(badInput.body)).toMatchObject({ code: 'invalid_request', field: 'input.invoices.1.amount' });

    const unknownField = await call(key, 'POST', '/v1/tasks', reconcile('bad-field', { urgency: 'high' }));
    expect(unknownField.status).toBe(400);
    expect(errorOf(unknownField.body)).toMatchObject({ field: 'urgency' });

    const badPriority = await call(key, 'POST', '/v1/tasks', reconcile('bad-priority', { priority: 9 }));
    expect(errorOf(badPriority.body)).toMatchObject({ field: 'priority' });

    const badLimit = await call(key, 'POST', '/v1/tasks', reconcile('bad-limit', { modelConstraints: { maxLatencyMs: 0 } }));
    expect(badLimit.status).toBe(400);
    expect(errorOf(badLimit.body)).toMatchObject({ field: 'modelConstraints.maxLatencyMs' });

    const badPeer = await call(key, 'POST', '/v1/tasks', reconcile('bad-peer', { review: { voters: [{ agentType: 'nobody.at_all' }, { model: 'a' }] } }));
    expect(badPeer.status).toBe(400);
    expect(errorOf(badPeer.body)).toMatchObject({ field: 'review.voters.0.agentType' });

    const badId = await call(key, 'GET', '/v1/tasks/has%20space');
    expect(badId.status).toBe(400);
    expect(errorOf(badId.body)).toMatchObject({ field: 'id' });

    for (const taskId of ['broken', 'bad-agent', 'bad-type', 'bad-input', 'bad-field', 'bad-priority', 'bad-limit', 'bad-peer']) {
      expect(await workflowExists(tenant.id, taskId)).toBe(false);
    }
    expect(await auditRows(tenant.id)).toEqual([]);
  });

  it(`answers 413 for a body over ${BODY_LIMIT_BYTES} bytes`, async () => {
    const tenant = await tenantWithKeys();
    const payload = JSON.stringify(reconcile('huge', { input: { ...reconciliationInput(), note: 'x'.repeat(BODY_LIMIT_BYTES) } }));
    const response = await call(tenant.keys.operator, 'POST', '/v1/tasks', payload, { 'content-type': 'application/json' });
    expect(response.status).toBe(413);
    expect(errorOf(response.body).code).toBe('payload_too_large');
    expect(await workflowExists(tenant.id, 'huge')).toBe(false);
  });
});

describe('tasks', () => {
  it('starts a task once however often it is submitted, and hides it from other tenants', async () => {
    const tenant = await tenantWithKeys();
    const first = await call(tenant.keys.operator, 'POST', '/v1/tasks', reconcile('twice', { priority: 5 }));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ taskId: 'twice', tenant: tenant.id, workflowId: `task:${tenant.id}:twice`, status: 'RUNNING', created: true });

    const second = await call(tenant.keys.admin, 'POST', '/v1/tasks', reconcile('twice', { tenant: tenant.id, priority: 1 }));
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ taskId: 'twice', workflowId: first.body.workflowId, runId: first.body.runId, created: false });

    const byId = `WorkflowId = "task:${tenant.id}:twice"`;
    await eventually(() => workflowCount(byId), (n) => n > 0, 'the run to be visible');
    expect(await workflowCount(byId)).toBe(1);
    expect(await workflowCount(`AntsTenant = "${tenant.id}" AND AntsPriority = 5`)).toBe(1);
    const described = await env.client.workflow.getHandle(`task:${tenant.id}:twice`).describe();
    expect(await described.staticSummary()).toContain('finance.reconciliation / reconcile_payments');

    const status = await eventually(
      () => call(tenant.keys.viewer, 'GET', '/v1/tasks/twice'),
      (r) => r.body.status === 'AWAITING_APPROVAL',
      'the task to wait for approval',
    );
    expect(status.body).toMatchObject({ taskId: 'twice', tenant: tenant.id, runStatus: 'RUNNING', view: { step: 'awaiting_approval', agentType: 'finance.reconciliation' } });

    const stranger = await tenantWithKeys();
    // Exactly what the stranger would get for an id nobody ever used: nothing tells them the task exists.
    const hidden = await call(stranger.keys.admin, 'GET', '/v1/tasks/twice');
    expect(hidden).toEqual({ status: 404, body: { error: { code: 'not_found', message: 'no task "twice"' } } });
    expect(await call(stranger.keys.admin, 'POST', '/v1/tasks/twice/approval', { decision: 'approve' })).toEqual(hidden);
  });
});

describe('approvals', () => {
  it('refuses the wrong role and self-approval with an audit row, accepts an approver, completes, then answers 409', async () => {
    const tenant = await tenantWithKeys();
    const submitted = await call(tenant.keys.operator, 'POST', '/v1/tasks', reconcile('needs-ok'));
    expect(submitted.status).toBe(202);
    const waiting = await eventually(
      () => call(tenant.keys.viewer, 'GET', '/v1/tasks/needs-ok'),
      (r) => r.body.status === 'AWAITING_APPROVAL',
      'the task to wait for approval',
    );
    expect(waiting.body).toMatchObject({ view: { pendingApproval: { effects: expect.arrayContaining([expect.objectContaining({ kind: 'ledger.adjustment' })]) } } });

    const byOperator = await call(tenant.keys.operator, 'POST', '/v1/tasks/needs-ok/approval', { decision: 'approve' });
    expect(byOperator.status).toBe(403);
    expect(errorOf(byOperator.body).message).toBe('role operator may not approve or reject tasks');

    const bySubmitter = await call(tenant.keys.selfApprover, 'POST', '/v1/tasks/needs-ok/approval', { decision: 'approve', comment: 'my own work' });
    expect(bySubmitter.status).toBe(403);
    expect(errorOf(bySubmitter.body)).toMatchObject({ code: 'forbidden', message: 'olivia submitted this task and cannot approve it' });

    const invalid = await call(tenant.keys.approver, 'POST', '/v1/tasks/needs-ok/approval', { decision: 'maybe' });
    expect(invalid.status).toBe(400);
    expect(errorOf(invalid.body).field).toBe('decision');
    expect((await call(tenant.keys.approver, 'POST', '/v1/tasks/no-such-task/approval', { decision: 'approve' })).status).toBe(404);

    const approved = await call(tenant.keys.approver, 'POST', '/v1/tasks/needs-ok/approval', { decision: 'approve', comment: 'fees, fine' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ decision: 'approve', approverId: 'alice', comment: 'fees, fine', reason: 'human', via: 'update' });

    // Decided already: refused whether the run is still finishing (the validator) or already closed.
    const again = await call(tenant.keys.admin, 'POST', '/v1/tasks/needs-ok/approval', { decision: 'reject' });
    expect(again.status).toBe(409);
    expect(errorOf(again.body).code).toBe('not_waiting');

    const done = await eventually(
      () => call(tenant.keys.viewer, 'GET', '/v1/tasks/needs-ok'),
      (r) => r.body.status === 'COMPLETED',
      'the task to complete',
    );
    expect(done.body).toMatchObject({ runStatus: 'COMPLETED', result: { status: 'COMPLETED', approval: { approverId: 'alice', via: 'update' } } });
    const applied = await db.query('select effect_key from applied_effects where tenant_id = $1 and task_id = $2', [tenant.id, 'needs-ok']);
    expect(applied.rowCount).toBe(3);

    // A closed task is not started again either.
    const resubmitted = await call(tenant.keys.operator, 'POST', '/v1/tasks', reconcile('needs-ok'));
    expect(resubmitted).toMatchObject({ status: 202, body: { created: false, status: 'COMPLETED', runId: submitted.body.runId } });
    expect(await workflowCount(`WorkflowId = "task:${tenant.id}:needs-ok"`)).toBe(1);

    const closed = await call(tenant.keys.approver, 'POST', '/v1/tasks/needs-ok/approval', { decision: 'approve' });
    expect(closed.status).toBe(409);
    expect(errorOf(closed.body)).toMatchObject({ code: 'not_waiting', message: 'the task is closed (COMPLETED)' });

    const audit = await auditRows(tenant.id);
    const refusals = audit.filter((row) => row.kind === 'approval.refused');
    expect(refusals.map((row) => [row.task_id, row.actor, row.details.status, row.details.code])).toEqual([
      ['needs-ok', 'olivia', 403, 'forbidden'],
      ['needs-ok', 'olivia', 403, 'forbidden'],
      ['needs-ok', 'ada', 409, 'not_waiting'],
      ['needs-ok', 'alice', 409, 'not_waiting'],
    ]);
    expect(refusals[1]?.details).toMatchObject({ via: 'api', decision: 'approve', role: 'approver', reason: 'olivia submitted this task and cannot approve it' });
    expect(audit.filter((row) => row.kind === 'approval.decided')).toEqual([
      expect.objectContaining({ actor: 'alice', details: expect.objectContaining({ decision: 'approve', via: 'update' }) }),
    ]);
  });

  it('records a rejection and the task ends REJECTED with nothing applied', async () => {
    const tenant = await tenantWithKeys();
    await call(tenant.keys.admin, 'POST', '/v1/tasks', reconcile('say-no', { requireApproval: true }));
    await eventually(() => call(tenant.keys.viewer, 'GET', '/v1/tasks/say-no'), (r) => r.body.status === 'AWAITING_APPROVAL', 'the approval wait');
    const rejected = await call(tenant.keys.approver, 'POST', '/v1/tasks/say-no/approval', { decision: 'reject' });
    expect(rejected.body).toMatchObject({ decision: 'reject', approverId: 'alice' });
    const done = await eventually(() => call(tenant.keys.viewer, 'GET', '/v1/tasks/say-no'), (r) => r.body.runStatus === 'COMPLETED', 'the task to close');
    expect(done.body).toMatchObject({ status: 'REJECTED', result: { status: 'REJECTED', appliedEffects: [] } });
    expect((await db.query('select 1 from applied_effects where tenant_id = $1', [tenant.id])).rowCount).toBe(0);
  });
});

describe('service routes', () => {
  it('serves an OpenAPI 3.1 document with every route, bearer security and resolvable schemas, without a key', async () => {
    const response = await call(undefined, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { required?: string[] }>; securitySchemes: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/openapi.json',
      '/v1/agents/costs',
      '/v1/agents/deploy',
      '/v1/agents/deployments/{agentType}',
      '/v1/agents/deployments/{agentType}/undeploy',
      '/v1/agents/repository',
      '/v1/agents/repository/search',
      '/v1/agents/wake',
      '/v1/agents/{id}/costs',
      '/v1/approval-tiers',
      '/v1/approvals',
      '/v1/approvals/{id}',
      '/v1/approvals/{id}/decision',
      '/v1/artifacts',
      '/v1/artifacts/{id}',
      '/v1/budgets',
      '/v1/capabilities',
      '/v1/capabilities/{id}',
      '/v1/consensus',
      '/v1/consensus/{id}',
      '/v1/costs',
      '/v1/dead-letters',
      '/v1/dead-letters/{queue}/{messageId}/resubmit',
      '/v1/delegation-modes',
      '/v1/events',
      '/v1/memory',
      '/v1/memory/search',
      '/v1/metrics/backlog',
      '/v1/metrics/decisions',
      '/v1/metrics/swarm',
      '/v1/models',
      '/v1/models/{id}',
      '/v1/pheromones',
      '/v1/tasks',
      '/v1/tasks/{id}',
      '/v1/tasks/{id}/approval',
      '/v1/threats',
      '/v1/threats/{id}',
      '/v1/tools',
      '/v1/tools/{id}',
      '/v1/tools/{id}/deprecate',
      '/v1/tools/{id}/execute',
      '/v1/tools/{id}/stats',
    ]);
    expect(document.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));

    const submit = document.paths['/v1/tasks']?.post;
    expect(submit?.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/TaskSubmission' } } } });
    expect(Object.keys(submit?.responses ?? {}).sort()).toEqual(['202', '400', '401', '403', '413', '415', '503']);
    expect(submit?.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
    expect(Object.keys(document.paths['/v1/tasks/{id}/approval']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
    expect(document.components.schemas.TaskSubmission?.required?.sort()).toEqual(['agentType', 'input', 'taskId', 'taskType']);

    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(document.components.schemas[ref], ref).toBeDefined();
  });

  it('reports Temporal and the database on /healthz, and 503 when the database is down', async () => {
    expect(await call(undefined, 'GET', '/healthz')).toEqual({ status: 200, body: { ok: true, temporal: true, database: true } });

    const deadDb = createDb('postgres://nobody:nothing@127.0.0.1:1/none', 1, 'ants-test-dead');
    const broken = buildApi({ db: deadDb, temporal: env.client, logLevel: 'silent' });
    try {
      const response = await broken.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ ok: false, temporal: true, database: false });
    } finally {
      await broken.close();
      await deadDb.end();
    }
  });

  it('answers unknown routes with the uniform error, and never writes a key to the log', async () => {
    const tenant = await tenantWithKeys();
    const lines: string[] = [];
    const logged = buildApi({ db, temporal: env.client, logLevel: 'trace', logStream: { write: (line) => lines.push(line) } });
    try {
      const missing = await logged.inject({ method: 'GET', url: '/v1/nothing', headers: { authorization: `Bearer ${tenant.keys.viewer}` } });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v1/nothing' } });
      await logged.inject({ method: 'GET', url: '/v1/tasks/x', headers: { 'x-api-key': tenant.keys.admin } });
      await logged.inject({ method: 'GET', url: '/v1/tasks/x', headers: { authorization: `Bearer ${tenant.keys.revoked}` } });
    } finally {
      await logged.close();
    }
    expect(lines.length).toBeGreaterThan(3);
    const log = lines.join('');
    for (const key of Object.values(tenant.keys)) expect(log).not.toContain(key.slice(5, 30));
  });
});
