import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLimiter } from '../../activities/models/limiter.js';
import { createChatProviders } from '../../activities/models/providers/index.js';
import { tenantRegistry } from '../../activities/models/registry-source.js';
import { routedReasoner } from '../../activities/models/routed-reasoner.js';
import { createModelStore } from '../../activities/models/store.js';
import { customRoutersFrom } from '../../core/routing/custom-routers.js';
import type { ModelSpec } from '../../core/routing/model.js';
import type { TaskResult, TaskWorkflowInput } from '../../core/tasks/task.js';
import type { Db } from '../../infra/db/pool.js';
import { approveSignal } from '../../workflows/task/messages.js';
import { anthropic, openAi, startFakeProvider, type FakeProvider, type ProviderAnswer, type RecordedRequest } from '../support/fake-model-providers.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant, testDb } from '../support/stack.js';
import { reconcileTask, reconciliationInput } from '../support/tasks.js';

/*
 * The Reason step through the model router, in a real task workflow: the router's first choice (an Anthropic model)
 * fails, the fallback (an OpenAI-compatible model) answers, and the calls, tokens and dollars land in PostgreSQL.
 * Then a burst of tasks against a provider limited to two calls at a time: they queue, none fails.
 */

let anthropicScript: Array<'overloaded'> = [];
let claude: FakeProvider;
let local: FakeProvider;
let db: Db;

/** The plan a sensible model gives for the reconciliation in the user message: the playbook's tool, tolerance 1. */
function planFor(request: RecordedRequest, kind: 'anthropic' | 'openai') {
  const messages = request.body.messages as Array<{ role: string; content: string }>;
  const user = JSON.parse(messages.find((m) => m.role === 'user')?.content ?? '{}') as { input: { invoices: unknown; payments: unknown } };
  return {
    steps: [{ tool: 'finance.match_transactions', input: { invoices: user.input.invoices, payments: user.input.payments, amountTolerance: 1 } }],
    confidence: 0.93,
    rationale: `${kind}: reference matching with a small tolerance for bank fees`,
  };
}

beforeAll(async () => {
  db = testDb();
  claude = await startFakeProvider(async (request): Promise<ProviderAnswer> => {
    if (anthropicScript.shift() === 'overloaded') return { status: 529, body: anthropic.error('overloaded_error', 'Overloaded') };
    await new Promise((r) => setTimeout(r, 40)); // a provider takes a while: lets a burst pile up
    return { status: 200, body: anthropic.toolUse('submit_plan', planFor(request, 'anthropic')) };
  });
  local = await startFakeProvider(async (request): Promise<ProviderAnswer> => {
    await new Promise((r) => setTimeout(r, 40));
    return { status: 200, body: openAi.toolCall('submit_plan', planFor(request, 'openai'), { prompt_tokens: 1000, completion_tokens: 200 }) };
  });
});
afterAll(async () => {
  await claude?.close();
  await local?.close();
  await db?.end();
});

function models(): ModelSpec[] {
  const common = { capabilities: ['chat', 'function_calling', 'structured_output'] as ModelSpec['capabilities'], contextWindow: 200_000, enabled: true };
  return [
    {
      ...common,
      id: 'test-claude',
      provider: 'anthropic',
      displayName: 'Claude (fake)',
      remoteModel: 'claude-haiku-4-0',
      pricing: { inputPerMTokUsd: 0.25, outputPerMTokUsd: 1.25 },
      expectedLatencyMs: 800,
      deployments: [{ id: 'claude-east', endpoint: claude.url, apiKeyEnv: 'TEST_ANTHROPIC_KEY', useEntraId: false, maxConcurrency: 2 }],
    },
    {
      ...common,
      id: 'test-local',
      provider: 'openai-compatible',
      displayName: 'Local model (fake)',
      remoteModel: 'llama-3.1-8b',
      contextWindow: 32_000,
      pricing: { inputPerMTokUsd: 0.5, outputPerMTokUsd: 1.5 },
      expectedLatencyMs: 2000,
      deployments: [{ id: 'local-1', endpoint: `${local.url}/v1`, useEntraId: false, maxConcurrency: 4 }],
    },
  ];
}

const harness = useTaskHarness({
  reasoner: () => {
    const shipped = {
      models: models(),
      providerLimits: { anthropic: { maxConcurrency: 2, maxPerSecond: 1000 }, 'openai-compatible': { maxConcurrency: 1, maxPerSecond: 1000 } },
      rules: [],
    };
    return routedReasoner({
      registry: tenantRegistry(shipped, undefined),
      rules: [],
      customRouters: customRoutersFrom([{ kind: 'realtime', thresholdMs: 1000 }]),
      providers: createChatProviders({ env: { TEST_ANTHROPIC_KEY: 'anthropic-test-key' }, timeoutMs: 5_000 }),
      limiter: new ModelLimiter(shipped.providerLimits),
      store: createModelStore(db),
    });
  },
});

describe('Reason through the model router', () => {
  it('falls back to the next model when the first one fails, and records both calls with their cost', async () => {
    anthropicScript = ['overloaded'];
    const input = reconcileTask(freshTenant('route'), { input: reconciliationInput(0.5) });
    const handle = await harness.start(input);
    await harness.waitForStatus(handle, 'AWAITING_APPROVAL');
    await handle.signal(approveSignal, { approverId: 'alice' });
    const result = (await handle.result()) as TaskResult;
    expect(result.status).toBe('COMPLETED');
    expect(result.attempts).toBe(1);
    expect(result.plan.reasoner).toBe('router:test-local');
    expect(result.plan.rationale).toMatch(/^openai:/);
    const routing = result.plan.routing;
    expect(routing?.decision).toMatchObject({ modelId: 'test-claude', fallbacks: ['test-local'], provider: 'anthropic' });
    expect(routing?.usedModel).toBe('test-local');
    expect(routing?.calls.map((c) => [c.modelId, c.outcome, c.errorKind ?? null])).toEqual([
      ['test-claude', 'failed', 'server_error'],
      ['test-local', 'answered', null],
    ]);
    expect(routing?.costUsd).toBeCloseTo((1000 * 0.5 + 200 * 1.5) / 1e6, 12);

    const calls = await db.query<{ model_id: string; seq: number; success: boolean; input_tokens: number; cost_usd: string; error_kind: string | null }>(
      'select model_id, seq, success, input_tokens, cost_usd, error_kind from model_calls where tenant_id = $1 and task_id = $2 order by seq',
      [input.tenant, input.taskId],
    );
    expect(calls.rows.map((r) => [r.model_id, r.seq, r.success, r.input_tokens, Number(r.cost_usd), r.error_kind])).toEqual([
      ['test-claude', 0, false, 0, 0, 'server_error'],
      ['test-local', 1, true, 1000, 0.0008, null],
    ]);
    const stats = await createModelStore(db).stats(['test-claude', 'test-local']);
    expect(stats.get('test-claude')?.successRate).toBeLessThan(stats.get('test-local')?.successRate ?? 0);

    // The decision is in the Reason activity's recorded result, which is what the Temporal UI shows.
    const history = await handle.fetchHistory();
    const results = (history.events ?? []).flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? []).map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
    expect(results.some((text) => text.includes('"usedModel":"test-local"') && text.includes('"modelId":"test-claude"'))).toBe(true);
  });

  it('queues a burst of Reason steps behind the provider limits instead of failing them', async () => {
    anthropicScript = [];
    const tenant = freshTenant('burst');
    const before = claude.requests.length + local.requests.length;
    const tasks = Array.from({ length: 10 }, () => reconcileTask(tenant, { input: reconciliationInput(0.5), approvalTimeoutMs: 300 }));
    const handles = await Promise.all(tasks.map((t) => harness.start(t)));
    const results = (await Promise.all(handles.map((h) => h.result()))) as TaskResult[];
    // Nobody approved: the safe default rejected them, after each got its plan at the first call.
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('REJECTED'));
    expect(results.every((r) => r.plan.routing?.calls.length === 1 && r.plan.routing.calls[0]?.outcome === 'answered')).toBe(true);
    // Ten calls against three slots (two for Anthropic, one for the local server): they waited their turn.
    expect(claude.requests.length + local.requests.length - before).toBe(10);
    expect(claude.maxInFlight).toBeLessThanOrEqual(2);
    expect(local.maxInFlight).toBeLessThanOrEqual(1);
    const recorded = await db.query<{ calls: string; failed: string }>('select count(*) as calls, count(*) filter (where not success) as failed from model_calls where tenant_id = $1', [tenant]);
    expect(recorded.rows[0]).toEqual({ calls: '10', failed: '0' });
  });

  it("honours the task's own model constraints: a context limit narrows the chain, a real-time one pins the fastest model, an impossible one fails clearly", async () => {
    anthropicScript = [];
    const tenant = freshTenant('limits');
    const start = (modelConstraints: NonNullable<TaskWorkflowInput['modelConstraints']>) =>
      harness.start(reconcileTask(tenant, { input: reconciliationInput(0.5), approvalTimeoutMs: 300, modelConstraints }));
    const run = async (modelConstraints: NonNullable<TaskWorkflowInput['modelConstraints']>) => (await (await start(modelConstraints)).result()) as TaskResult;

    // Only the Claude model holds 100k tokens: no fallback to the 32k local one.
    const narrowed = await run({ minContextTokens: 100_000 });
    expect(narrowed.plan.routing?.decision).toMatchObject({ modelId: 'test-claude', fallbacks: [] });
    expect(narrowed.plan.routing?.decision.customRouter).toBeUndefined();

    // Under the real-time router's threshold the configured router decides.
    const realtime = await run({ maxLatencyMs: 900 });
    expect(realtime.plan.routing?.decision).toMatchObject({ modelId: 'test-claude', customRouter: 'realtime' });

    // Cheaper than any model can answer: the Reason step refuses, and the task fails saying so.
    const failure = await (await start({ maxCostUsd: 1e-9 })).result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const causes: string[] = [];
    for (let cause = (failure as Error).cause; cause instanceof Error; cause = cause.cause) causes.push(cause.message);
    expect(causes.join(' | ')).toMatch(/no model/i);
  });
});
