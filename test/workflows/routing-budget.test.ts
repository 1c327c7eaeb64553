import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLimiter } from '../../activities/models/limiter.js';
import { createChatProviders } from '../../activities/models/providers/index.js';
import { tenantRegistry } from '../../activities/models/registry-source.js';
import { routedReasoner } from '../../activities/models/routed-reasoner.js';
import { createModelStore } from '../../activities/models/store.js';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { buildApi } from '../../api/server.js';
import type { ModelSpec } from '../../core/routing/model.js';
import type { RoutingRule } from '../../core/routing/router.js';
import type { TaskResult } from '../../core/tasks/task.js';
import type { Db } from '../../infra/db/pool.js';
import { openAi, startFakeProvider, type FakeProvider, type RecordedRequest } from '../support/fake-model-providers.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant, testDb } from '../support/stack.js';
import { reconcileTask, reconciliationInput } from '../support/tasks.js';

/*
 * A tenant's daily budget, set through the API, steers the next Reason steps of real task workflows: first the
 * preferred (dear) model, then — with little budget left — a downgrade to the cheap one, then — with none — a clear,
 * unretried refusal. Another tenant, without a budget, keeps the preferred model throughout.
 */

let provider: FakeProvider;
let db: Db;
let app: FastifyInstance;

function planFor(request: RecordedRequest) {
  const messages = request.body.messages as Array<{ role: string; content: string }>;
  const user = JSON.parse(messages.find((m) => m.role === 'user')?.content ?? '{}') as { input: { invoices: unknown; payments: unknown } };
  return { steps: [{ tool: 'finance.match_transactions', input: { invoices: user.input.invoices, payments: user.input.payments, amountTolerance: 1 } }], confidence: 0.9, rationale: String(request.body.model) };
}

beforeAll(async () => {
  db = testDb();
  provider = await startFakeProvider((request) => ({ status: 200, body: openAi.toolCall('submit_plan', planFor(request), { prompt_tokens: 1000, completion_tokens: 200 }) }));
});

function model(id: string, inputPerMTokUsd: number): ModelSpec {
  return {
    id,
    provider: 'openai-compatible',
    displayName: id,
    remoteModel: id,
    capabilities: ['chat', 'function_calling', 'structured_output'],
    contextWindow: 128_000,
    pricing: { inputPerMTokUsd, outputPerMTokUsd: inputPerMTokUsd * 3 },
    expectedLatencyMs: 500,
    deployments: [{ id: `${id}-1`, endpoint: `${provider.url}/v1`, useEntraId: false, maxConcurrency: 4 }],
    enabled: true,
  };
}

const RULES: RoutingRule[] = [{ pattern: 'finance.*', preferredModels: ['test-premium'] }];

const harness = useTaskHarness({
  reasoner: () => {
    const shipped = { models: [model('test-premium', 10), model('test-economy', 0.1)], providerLimits: {}, rules: RULES };
    return routedReasoner({
      registry: tenantRegistry(shipped, undefined),
      rules: RULES,
      providers: createChatProviders({ env: {}, timeoutMs: 5_000 }),
      limiter: new ModelLimiter({}),
      store: createModelStore(db),
    });
  },
});

beforeAll(async () => {
  app = buildApi({ db, temporal: harness.env.client, logLevel: 'silent' });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
  await db?.end();
});

async function adminKey(tenant: string): Promise<string> {
  await createTenant(db, tenant, 'budget tenant');
  return (await createApiKey(db, { tenant, name: 'finops-admin', role: 'admin' })).key;
}

async function api(key: string, method: 'GET' | 'PUT', payload?: Record<string, unknown>) {
  const response = await app.inject({ method, url: '/v1/budgets', headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
  expect(response.statusCode).toBe(200);
  return response.json<{ dailyBudgetUsd?: number; spentTodayUsd: number; remainingTodayUsd?: number; source: string }>();
}

async function reason(tenant: string) {
  const handle = await harness.start(reconcileTask(tenant, { input: reconciliationInput(0.5), approvalTimeoutMs: 200 }));
  return handle;
}

describe('a daily budget set through the API', () => {
  it('downgrades the next Reason step to a cheaper model, then refuses it clearly, for that tenant only', async () => {
    const tenant = freshTenant('budget');
    const other = freshTenant('budget');
    const key = await adminKey(tenant);
    await adminKey(other);

    // No budget: the rule's preferred (dear) model plans.
    const first = (await (await reason(tenant)).result()) as TaskResult;
    expect(first.plan.routing?.decision).toMatchObject({ modelId: 'test-premium', downgraded: false });
    const premiumEstimate = first.plan.routing?.decision.estimatedCostUsd ?? 0;
    expect(premiumEstimate).toBeGreaterThan(0.001);

    // Half of what the preferred model would cost is left today: the router downgrades and says why.
    const spent = (await api(key, 'GET')).spentTodayUsd;
    expect(spent).toBeGreaterThan(0);
    const set = await api(key, 'PUT', { dailyBudgetUsd: Math.round((spent + premiumEstimate / 2) * 1e6) / 1e6 });
    expect(set).toMatchObject({ source: 'tenant' });
    expect(set.remainingTodayUsd).toBeLessThan(premiumEstimate);
    const second = (await (await reason(tenant)).result()) as TaskResult;
    expect(second.plan.routing?.decision).toMatchObject({ modelId: 'test-economy', downgraded: true });
    expect(second.plan.routing?.decision.reason).toMatch(/downgraded from test-premium: the tenant's daily budget has \$[\d.]+ left/);

    // Nothing left: the Reason step fails at once with ModelBudgetExhausted, without calling any model.
    await api(key, 'PUT', { dailyBudgetUsd: 0 });
    const callsBefore = provider.requests.length;
    const refused = await reason(tenant);
    const failure = await refused.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    const chain: string[] = [];
    for (let cause: unknown = failure; cause instanceof Error; cause = cause.cause) chain.push(`${cause.name}:${'type' in cause ? String(cause.type) : ''}:${cause.message}`);
    expect(chain.join(' | ')).toMatch(/ModelBudgetExhausted:.*daily model budget has \$0(\.0+)? left/);
    expect(provider.requests.length).toBe(callsBefore);
    const history = await refused.fetchHistory();
    const reasonAttempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes?.attempt);
    expect(reasonAttempts.every((attempt) => attempt === 1)).toBe(true);

    // The other tenant has no budget: the preferred model, as before.
    const theirs = (await (await reason(other)).result()) as TaskResult;
    expect(theirs.plan.routing?.decision).toMatchObject({ modelId: 'test-premium', downgraded: false });
  });
});
