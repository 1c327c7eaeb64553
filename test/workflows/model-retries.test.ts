import { ActivityFailure, type ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiCompatibleReasoner } from '../../activities/models/openai-compatible-reasoner.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import { approveSignal, rejectSignal } from '../../workflows/task/messages.js';
import { chatCompletion, reconciliationPlan, startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask, reconciliationInput } from '../support/tasks.js';

/*
 * Reason through an OpenAI-compatible endpoint that misbehaves the way real providers do. The endpoint answers from
 * a script (one entry per request, then "ok"); the tests in this file run one after another.
 */
let script: string[] = [];
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
});
afterAll(async () => {
  await model?.close();
});

const harness = useTaskHarness({ reasoner: () => openAiCompatibleReasoner({ baseUrl: model.baseUrl, apiKey: 'test-key', model: 'fake-model' }) });
const start = (input: TaskWorkflowInput) => harness.start(input);

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
    await harness.waitForStatus(handle, 'AWAITING_APPROVAL');
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
    await harness.waitForStatus(handle, 'AWAITING_APPROVAL');
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
