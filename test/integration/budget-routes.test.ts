import { describe, expect, it } from 'vitest';
import { createModelStore } from '../../activities/models/store.js';
import { BUDGET_AUDIT } from '../../api/routes/budgets.js';
import { tenantWithKeys, useDatabaseOnlyApi } from '../support/api.js';

/* GET and PUT /v1/budgets: admin-only changes, audited with what they replaced; reads of the key's own tenant only. */

const api = useDatabaseOnlyApi();
const tenantKeys = () => tenantWithKeys(api.db, 'budgets');

async function call(key: string | undefined, method: 'GET' | 'PUT', payload?: unknown) {
  const response = await api.app.inject({
    method,
    url: '/v1/budgets',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

async function budgetAudit(tenant: string) {
  const rows = await api.db.query<{ actor: string; details: Record<string, unknown> }>('select actor, details from audit_log where tenant_id = $1 and kind = $2 order by id', [tenant, BUDGET_AUDIT.kind]);
  return rows.rows;
}

describe('/v1/budgets', () => {
  it("sets and reads the key's own tenant's budget, next to today's spending, and audits each change", async () => {
    const a = await tenantKeys();
    const b = await tenantKeys();
    expect(await call(a.keys.viewer, 'GET')).toEqual({ status: 200, body: { tenant: a.id, source: 'none', spentTodayUsd: 0 } });

    await createModelStore(api.db).recordCall({
      tenant: a.id, taskId: 'task-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', step: 'reason', taskAttempt: 1, activityAttempt: 1, seq: 0,
      modelId: 'claude-haiku-4', provider: 'anthropic', deploymentId: 'anthropic-1', inputTokens: 2000, outputTokens: 500, costUsd: 0.25, latencyMs: 800, success: true,
    });
    const set = await call(a.keys.admin, 'PUT', { dailyBudgetUsd: 2.5 });
    expect(set).toEqual({ status: 200, body: { tenant: a.id, source: 'tenant', dailyBudgetUsd: 2.5, spentTodayUsd: 0.25, remainingTodayUsd: 2.25 } });
    expect((await call(a.keys.admin, 'PUT', { dailyBudgetUsd: 0 })).body).toMatchObject({ dailyBudgetUsd: 0, remainingTodayUsd: 0 });
    expect((await call(a.keys.viewer, 'GET')).body).toMatchObject({ source: 'tenant', dailyBudgetUsd: 0, spentTodayUsd: 0.25 });

    expect(await budgetAudit(a.id)).toEqual([
      { actor: 'admin-person', details: expect.objectContaining({ dailyBudgetUsd: 2.5, previousUsd: null }) },
      { actor: 'admin-person', details: expect.objectContaining({ dailyBudgetUsd: 0, previousUsd: 2.5 }) },
    ]);
    // The other tenant sees neither the budget nor the spending.
    expect((await call(b.keys.admin, 'GET')).body).toEqual({ tenant: b.id, source: 'none', spentTodayUsd: 0 });
    expect(await createModelStore(api.db).dailyBudget(b.id)).toBeUndefined();
  });

  it('lets only an admin change it and refuses invalid bodies with the field, writing nothing', async () => {
    const a = await tenantKeys();
    for (const role of ['viewer', 'operator', 'approver'] as const) {
      expect((await call(a.keys[role], 'PUT', { dailyBudgetUsd: 1 })).status).toBe(403);
      expect((await call(a.keys[role], 'GET')).status).toBe(200);
    }
    expect((await call(undefined, 'GET')).status).toBe(401);
    expect((await call(undefined, 'PUT', { dailyBudgetUsd: 1 })).status).toBe(401);
    expect(await call(a.keys.admin, 'PUT', { dailyBudgetUsd: -1 })).toMatchObject({ status: 400, body: { error: { field: 'dailyBudgetUsd' } } });
    expect(await call(a.keys.admin, 'PUT', { dailyBudgetUsd: '5' })).toMatchObject({ status: 400, body: { error: { field: 'dailyBudgetUsd' } } });
    expect(await call(a.keys.admin, 'PUT', { dailyBudgetUsd: 1e12 })).toMatchObject({ status: 400, body: { error: { field: 'dailyBudgetUsd' } } });
    expect((await call(a.keys.admin, 'PUT', {})).status).toBe(400);
    expect((await call(a.keys.admin, 'PUT', { dailyBudgetUsd: 1, tenant: 'someone-else' })).status).toBe(400);
    expect((await call(a.keys.admin, 'PUT', '{"dailyBudgetUsd": ')).status).toBe(400);
    expect(await createModelStore(api.db).dailyBudget(a.id)).toBeUndefined();
    expect(await budgetAudit(a.id)).toEqual([]);
  });

  it('is in the generated OpenAPI document with its permissions', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { 'x-ants-permission'?: string; requestBody?: unknown }>> }>();
    expect(document.paths['/v1/budgets']?.get?.['x-ants-permission']).toBe('view');
    expect(document.paths['/v1/budgets']?.put).toMatchObject({ 'x-ants-permission': 'administer', requestBody: { required: true } });
  });
});
