import { ActivityFailure, type ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiCompatibleReasoner } from '../../activities/models/openai-compatible-reasoner.js';
import { TASK_QUEUES, taskWorkflowId } from '../../core/tasks/queues.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import type { Db } from '../../infra/db/pool.js';
import { approveSignal, rejectSignal, statusQuery } from '../../workflows/task/messages.js';
import { searchAttributesFor } from '../../workflows/task/search-attributes.js';
import { chatCompletion, reconciliationPlan, startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { reconcileTask, reconciliationInput } from '../support/tasks.js';
import { startInProcessPools, type InProcessPools } from '../support/workers.js';

/*
 * Reason through an OpenAI-compatible endpoint that misbehaves the way real providers do. The endpoint answers from
 * a script (one entry per request, then "ok"); the tests in this file run one after another.
 */
let script: string[] = [];
let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let model: FakeOpenAi;

beforeAll(async () => {
  model = await startFakeOpenAi((request) => {
    const next = script.shift() ?? 'ok';
    if (next === '503') return { status: 503, body: { error: { message: 'overloaded' } } };
    if (next === '429') return { status: 429, body: { error: { message: 'rate limited' } } };
    if (next === '401') return { status: 401, body: { error: { message: 'invalid api key' } } };
    if (next === 'prose') return { status: 200, body: chatCompletion('I think you should reconcile them.') };
    if (next === 'foreign-tool') return { status: 200, body: chatCompletion(JSON.stringify({ steps: [{ tool: 'shell.exec', input: {} }], confidence: 0.9, rationale: '' })) };
    return { status: 200, body: chatCompletion(reconciliationPlan(request)) };
  });
  env = await startLocalTemporal();
  db = testDb();
  const reasoner = openAiCompatibleReasoner({ baseUrl: model.baseUrl, apiKey: 'test-key', model: 'fake-model' });
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db, { reasoner });
});

afterAll(async () => {
  await pools?.shutdown();
  await env?.teardown();
  await model?.close();
  await db?.end();
});

async function start(input: TaskWorkflowInput): Promise<WorkflowHandle> {
  return env.client.workflow.start('taskWorkflow', {
    workflowId: taskWorkflowId(input.tenant, input.taskId),
    taskQueue: TASK_QUEUES.workflows,
    args: [input],
    typedSearchAttributes: searchAttributesFor(input, 'RUNNING'),
  });
}

/** The attempt number of every Reason activity execution in the run's history. */
async function reasonAttempts(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  const reasonIds = new Set(
    (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'reasonPlan').map((e) => String(e.eventId)),
  );
  return (history.events ?? [])
    .filter((e) => reasonIds.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId)))
    .map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
}

describe('Reason through an OpenAI-compatible model', () => {
  it('retries rate limits, server errors and answers that are not plans, then uses the model plan', async () => {
    script = ['429', '503', 'prose'];
    const before = model.requests.length;
    const input = reconcileTask(freshTenant(), { input: reconciliationInput(0.5) });
    const handle = await start(input);
    for (let i = 0; i < 300 && (await handle.query(statusQuery)).status !== 'AWAITING_APPROVAL'; i += 1) await new Promise((r) => setTimeout(r, 100));
    await handle.signal(approveSignal, { approverId: 'alice' });
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.plan.reasoner).toBe('openai-compatible:fake-model');
    expect(result.attempts).toBe(1); // the model's tolerance of 1 passes verification at once
    expect(await reasonAttempts(handle)).toEqual([4]);
    expect(model.requests.length - before).toBe(4);
    const request = model.requests.at(-1);
    expect(request?.model).toBe('fake-model');
    expect(request?.response_format).toEqual({ type: 'json_object' });
  });

  it('refuses a plan with a tool outside the task type, and retries', async () => {
    script = ['foreign-tool'];
    const handle = await start(reconcileTask(freshTenant(), { input: reconciliationInput(0.5) }));
    for (let i = 0; i < 300 && (await handle.query(statusQuery)).status !== 'AWAITING_APPROVAL'; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(await reasonAttempts(handle)).toEqual([2]);
    await handle.signal(rejectSignal, { approverId: 'alice' });
    expect((await handle.result()).status).toBe('REJECTED');
  });

  it('fails the task at once, without retries, when the provider refuses the key', async () => {
    script = ['401'];
    const handle = await start(reconcileTask(freshTenant()));
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ActivityFailure | undefined;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect((cause?.cause as ApplicationFailure | undefined)?.type).toBe('ModelConfigurationError');
    expect(cause?.cause?.message).toMatch(/answered 401/);
    expect(await reasonAttempts(handle)).toEqual([1]);
  });
});
