import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { apiNameFrom } from '../../core/tools/discovered-api.js';
import type { Db } from '../../infra/db/pool.js';
import { chatCompletion, reconciliationPlan, startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { startProcessStack, waitFor, type ProcessStack } from '../support/process-stack.js';
import { freshTenant, testDb } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';

let stack: ProcessStack;
let model: FakeOpenAi;
let db: Db;
let firstRequestArrived: () => void;
const firstRequest = new Promise<void>((resolve) => (firstRequestArrived = resolve));

beforeAll(async () => {
  db = testDb();
  // The first model call hangs (the worker will die under it); later calls answer at once.
  model = await startFakeOpenAi((request, index) => {
    if (index === 0) {
      firstRequestArrived();
      return 'hold';
    }
    return { status: 200, body: chatCompletion(reconciliationPlan(request)) };
  });
  stack = await startProcessStack({ ANTS_MODEL_PROVIDER: 'openai-compatible', OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'fake-model' });
});

afterAll(async () => {
  await stack?.stop();
  await model?.close();
  await db?.end();
});

function kill(service: string): number {
  const pid = stack.supervisor.pid(service);
  if (pid === undefined) throw new Error(`${service} is not running`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

describe('crash safety', () => {
  it('finishes a task whose model, workflow and integrations workers were SIGKILLed mid-task (the last inside the effects transaction), applying each effect once', async () => {
    const tenant = freshTenant('chaos');
    await createTenant(db, tenant, 'Chaos tenant');
    const { key: operatorKey } = await createApiKey(db, { tenant, name: 'submitter', role: 'operator' });
    const { key: approverKey } = await createApiKey(db, { tenant, name: 'approver-1', role: 'approver' });
    const call = (key: string, path: string, body?: unknown) =>
      fetch(`${stack.apiUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const submitted = await call(operatorKey, '/v1/tasks', { taskId: 'crash-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput(0.5) });
    expect(submitted.status).toBeLessThan(300);

    // Reason is in flight on the models worker: kill it there. The supervisor starts a new one, Temporal notices
    // the missing heartbeats and retries the step on it.
    await firstRequest;
    const deadModelsPid = kill('models');
    await waitFor(() => stack.supervisor.restarts('models') === 1 && stack.supervisor.pid('models') !== deadModelsPid, 30_000, 'the models worker to restart');

    const status = async () => ((await (await call(operatorKey, '/v1/tasks/crash-1')).json()) as { status: string; result?: { status: string; appliedEffects: string[]; approval?: { via: string } } });
    await waitFor(async () => (await status()).status === 'AWAITING_APPROVAL', 90_000, 'the task to wait for approval');

    // The workflow worker dies while the task waits; its replacement replays the history and carries on.
    kill('workflows');
    const polling = () => (stack.output.get('workflows') ?? []).filter((line) => line.includes('polling task queue')).length;
    await waitFor(() => stack.supervisor.restarts('workflows') === 1 && polling() === 2, 60_000, 'the workflows worker to poll again');

    // The integrations worker dies inside the effects transaction: a row this test holds makes its second insert wait,
    // after the first went in. The dead worker's transaction rolls back; its replacement applies all three, once.
    const blocker = await db.connect();
    try {
      await blocker.query('begin');
      await blocker.query("insert into applied_effects (tenant_id, task_id, effect_key, kind, payload) values ($1, 'crash-1', 'ledger.adjustment:inv-2:pay-2', 'hold', '{}')", [tenant]);
      await waitFor(async () => (await call(approverKey, '/v1/tasks/crash-1/approval', { decision: 'approve', comment: 'after the crash' })).status === 200, 90_000, 'the approval to be accepted');
      const waitingInsert = async () =>
        ((await db.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'insert into applied_effects%'")).rowCount ?? 0) > 0;
      await waitFor(waitingInsert, 60_000, 'the effects transaction to be mid-way');
      const deadIntegrationsPid = kill('integrations');
      await waitFor(() => stack.supervisor.restarts('integrations') === 1 && stack.supervisor.pid('integrations') !== deadIntegrationsPid, 30_000, 'the integrations worker to restart');
    } finally {
      await blocker.query('rollback');
      blocker.release();
    }
    await waitFor(async () => (await status()).status === 'COMPLETED', 90_000, 'the task to complete');

    const done = await status();
    expect(done.result?.approval?.via).toBe('update');
    expect(model.requests).toHaveLength(2);

    const effects = await db.query<{ effect_key: string }>('select effect_key from applied_effects where tenant_id = $1 order by effect_key', [tenant]);
    expect(effects.rows.map((r) => r.effect_key)).toEqual(['ledger.adjustment:inv-1:pay-1', 'ledger.adjustment:inv-2:pay-2', 'ledger.adjustment:inv-3:pay-3']);
    const episodes = await db.query('select outcome from episodes where tenant_id = $1', [tenant]);
    expect(episodes.rows).toEqual([{ outcome: 'completed' }]);
    const procedures = await db.query('select uses, successes from procedures where tenant_id = $1', [tenant]);
    expect(procedures.rows).toEqual([{ uses: 1, successes: 1 }]);
    const audit = await db.query<{ kind: string }>('select kind from audit_log where tenant_id = $1 order by id', [tenant]);
    expect(audit.rows.map((r) => r.kind)).toEqual(['task.accepted', 'approval.requested', 'approval.decided', 'task.completed']);
  });

  it('builds a capability once when the tools worker is SIGKILLed while it registers the tools', async () => {
    const tenant = freshTenant('chaos-cap');
    await createTenant(db, tenant, 'Chaos capabilities');
    const { key } = await createApiKey(db, { tenant, name: 'builder', role: 'operator' });
    const call = async (path: string, body?: unknown) => {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const document = (await (await fetch(`${stack.demoUrl}/openapi.json`)).json()) as { info: { title: string } };
    const held = `${apiNameFrom(document.info.title)}.listCharges`;

    // This test holds the lock that registering `held` takes, so the tools worker is stuck inside registerTool.
    const blocker = await db.connect();
    const readyBefore = stack.supervisor.restarts('tools');
    try {
      await blocker.query(`select pg_advisory_lock(hashtextextended($1, 7))`, [`tools:${tenant}:${held}`]);
      const accepted = await call('/v1/capabilities', { api: { specUrl: `${stack.demoUrl}/openapi.json` }, operations: ['listCharges', 'getCharge', 'listCustomers'], secret: 'payments-demo' });
      const waitingRegistration = async () =>
        ((await db.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and query like '%pg_advisory_xact_lock%'")).rowCount ?? 0) > 0;
      await waitFor(waitingRegistration, 60_000, 'the registration to wait on the held lock');
      const deadPid = kill('tools');
      await waitFor(() => stack.supervisor.restarts('tools') === readyBefore + 1 && stack.supervisor.pid('tools') !== deadPid, 30_000, 'the tools worker to restart');
      await blocker.query(`select pg_advisory_unlock(hashtextextended($1, 7))`, [`tools:${tenant}:${held}`]);

      let view: Record<string, unknown> = {};
      await waitFor(async () => {
        view = await call(`/v1/capabilities/${String(accepted.capabilityId)}`);
        return view.status === 'ready' && typeof view.readyAt === 'string';
      }, 90_000, 'the capability to be ready');
      expect(Object.keys(view.tools as object).sort()).toEqual(['getCharge', 'listCharges', 'listCustomers']);
    } finally {
      blocker.release();
    }
    // Exactly one version of each tool, whatever was retried after the kill.
    const tools = await db.query<{ id: string }>('select id from tools where tenant_id = $1 order by id', [tenant]);
    expect(tools.rows.map((r) => r.id.replace(/^.*\./, ''))).toEqual(['getCharge@1', 'listCharges@1', 'listCustomers@1']);
  });
});
