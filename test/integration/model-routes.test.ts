import { describe, expect, it } from 'vitest';
import { createModelStore, type ModelCallRecord } from '../../activities/models/store.js';
import { tenantWithKeys, useDatabaseOnlyApi } from '../support/api.js';

/* The model registry and cost routes: admin-only changes, tenant-scoped reads, validation, the generated document. */

const api = useDatabaseOnlyApi();
const tenantKeys = () => tenantWithKeys(api.db, 'models');

async function call(key: string, method: 'GET' | 'PUT', url: string, payload?: unknown) {
  const response = await api.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

const localModel = {
  id: 'ollama-llama3',
  provider: 'openai-compatible',
  displayName: 'Llama 3 on our GPU box',
  remoteModel: 'llama3:8b',
  capabilities: ['chat', 'structured_output'],
  contextWindow: 8192,
  pricing: { inputPerMTokUsd: 0, outputPerMTokUsd: 0 },
  expectedLatencyMs: 1200,
  deployments: [{ id: 'gpu-1', endpoint: 'http://10.0.0.5:11434/v1', maxConcurrency: 2 }],
};

function callRecord(tenant: string, overrides: Partial<ModelCallRecord>): ModelCallRecord {
  return {
    tenant, taskId: 'task-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', step: 'reason', taskAttempt: 1, activityAttempt: 1, seq: 0,
    modelId: 'claude-haiku-4', provider: 'anthropic', deploymentId: 'anthropic-1', inputTokens: 2000, outputTokens: 500, costUsd: 0.001125, latencyMs: 800, success: true,
    ...overrides,
  };
}

describe('/v1/models', () => {
  it('lists the shipped registry and lets an admin add and update a model for their tenant only', async () => {
    const a = await tenantKeys();
    const b = await tenantKeys();
    const shipped = await call(a.keys.viewer, 'GET', '/v1/models');
    expect(shipped.status).toBe(200);
    const ids = (shipped.body.models as Array<{ model: { id: string }; source: string }>).map((m) => m.model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4-turbo-2024-04-09', 'claude-opus-4', 'claude-haiku-4', 'gemini-1.5-pro', 'functiongemma-7b', 'playbook']));

    const added = await call(a.keys.admin, 'PUT', '/v1/models/ollama-llama3', localModel);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ created: true, model: { id: 'ollama-llama3', enabled: true, deployments: [{ id: 'gpu-1', useEntraId: false }] } });
    const updated = await call(a.keys.admin, 'PUT', '/v1/models/ollama-llama3', { ...localModel, expectedLatencyMs: 900 });
    expect(updated).toMatchObject({ status: 200, body: { created: false, model: { expectedLatencyMs: 900 } } });

    const mine = (await call(a.keys.viewer, 'GET', '/v1/models')).body.models as Array<{ model: { id: string; expectedLatencyMs: number }; source: string }>;
    expect(mine.find((m) => m.model.id === 'ollama-llama3')).toMatchObject({ source: 'tenant', model: { expectedLatencyMs: 900 } });
    const theirs = (await call(b.keys.admin, 'GET', '/v1/models')).body.models as Array<{ model: { id: string } }>;
    expect(theirs.some((m) => m.model.id === 'ollama-llama3')).toBe(false);
  });

  it('refuses non-admins, a mismatched id and an invalid model, naming the field, and writes nothing', async () => {
    const a = await tenantKeys();
    for (const role of ['viewer', 'operator', 'approver'] as const) {
      const refused = await call(a.keys[role], 'PUT', '/v1/models/ollama-llama3', localModel);
      expect(refused.status).toBe(403);
    }
    expect((await call(a.keys.admin, 'PUT', '/v1/models/other-id', localModel)).body).toMatchObject({ error: { code: 'invalid_request', field: 'id' } });
    const negative = await call(a.keys.admin, 'PUT', '/v1/models/ollama-llama3', { ...localModel, pricing: { inputPerMTokUsd: -1, outputPerMTokUsd: 0 } });
    expect(negative).toMatchObject({ status: 400, body: { error: { field: 'pricing.inputPerMTokUsd' } } });
    const unknownCapability = await call(a.keys.admin, 'PUT', '/v1/models/ollama-llama3', { ...localModel, capabilities: ['telepathy'] });
    expect(unknownCapability).toMatchObject({ status: 400, body: { error: { field: 'capabilities.0' } } });
    const secret = await call(a.keys.admin, 'PUT', '/v1/models/ollama-llama3', { ...localModel, deployments: [{ id: 'gpu-1', apiKey: 'sk-live' }] });
    expect(secret).toMatchObject({ status: 400, body: { error: { field: 'deployments.0.apiKey' } } });
    expect(await createModelStore(api.db).tenantModels(a.id)).toEqual([]);
  });
});

describe('/v1/costs', () => {
  it("reports the key's tenant only, per model, agent, day and task, with today's spending", async () => {
    const a = await tenantKeys();
    const b = await tenantKeys();
    const store = createModelStore(api.db);
    await store.recordCall(callRecord(a.id, {}));
    await store.recordCall(callRecord(a.id, {})); // the same call again: counted once
    await store.recordCall(callRecord(a.id, { seq: 1, modelId: 'gpt-4-turbo-2024-04-09', provider: 'azure-openai', costUsd: 0.035 }));
    await store.recordCall(callRecord(a.id, { taskId: 'task-2', agentType: 'hr.onboarding', success: false, inputTokens: 0, outputTokens: 0, costUsd: 0, errorKind: 'rate_limited' }));
    await store.recordCall(callRecord(b.id, { costUsd: 5 }));
    await store.setDailyBudget(a.id, 10);

    const byModel = await call(a.keys.viewer, 'GET', '/v1/costs?groupBy=model');
    expect(byModel.status).toBe(200);
    expect(byModel.body).toMatchObject({ tenant: a.id, groupBy: 'model', dailyBudgetUsd: 10 });
    expect(byModel.body.rows).toEqual([
      { key: 'claude-haiku-4', calls: 2, failedCalls: 1, inputTokens: 2000, outputTokens: 500, costUsd: 0.001125 },
      { key: 'gpt-4-turbo-2024-04-09', calls: 1, failedCalls: 0, inputTokens: 2000, outputTokens: 500, costUsd: 0.035 },
    ]);
    expect(byModel.body.total).toMatchObject({ calls: 3, costUsd: 0.036125 });
    expect(byModel.body.spentTodayUsd).toBeCloseTo(0.036125, 9);

    const byAgent = (await call(a.keys.viewer, 'GET', '/v1/costs?groupBy=agent')).body.rows as Array<{ key: string }>;
    expect(byAgent.map((r) => r.key)).toEqual(['finance.reconciliation', 'hr.onboarding']);
    const byDay = (await call(a.keys.viewer, 'GET', '/v1/costs')).body.rows as Array<{ key: string; calls: number }>;
    expect(byDay).toEqual([expect.objectContaining({ key: new Date().toISOString().slice(0, 10), calls: 3 })]);
    const finance = await call(a.keys.viewer, 'GET', '/v1/costs?groupBy=task&agentType=finance.reconciliation');
    expect(finance.body.rows).toEqual([expect.objectContaining({ key: 'task-1', calls: 2 })]);
    const past = await call(a.keys.viewer, 'GET', '/v1/costs?from=2020-01-01&to=2020-01-31');
    expect(past.body).toMatchObject({ rows: [], total: { calls: 0 } });
  });

  it('refuses bad queries with the field, and has no way to name another tenant', async () => {
    const a = await tenantKeys();
    expect((await call(a.keys.viewer, 'GET', '/v1/costs?from=2025-02-01&to=2025-01-01')).body).toMatchObject({ error: { field: 'from' } });
    expect((await call(a.keys.viewer, 'GET', '/v1/costs?from=yesterday')).body).toMatchObject({ error: { field: 'from' } });
    expect((await call(a.keys.viewer, 'GET', '/v1/costs?groupBy=planet')).body).toMatchObject({ error: { field: 'groupBy' } });
    expect((await call(a.keys.viewer, 'GET', '/v1/costs?tenant=someone-else')).body).toMatchObject({ error: { field: 'tenant' } });
    expect((await api.app.inject({ method: 'GET', url: '/v1/costs' })).statusCode).toBe(401);
  });

  it('is in the generated OpenAPI document, query parameters included', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>> }>();
    expect(Object.keys(document.paths['/v1/models'] ?? {})).toEqual(['get']);
    expect(Object.keys(document.paths['/v1/models/{id}'] ?? {})).toEqual(['put']);
    expect(document.paths['/v1/costs']?.get?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:from', 'query:to', 'query:groupBy', 'query:agentType', 'query:modelId']);
  });
});
