import { randomUUID } from 'node:crypto';
import type { ServiceBusMessage } from '@azure/service-bus';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceBusClient, serviceBusCredentials } from '../../activities/integrations/service-bus/client-factory.js';
import { createServiceBusDeadLetterStore } from '../../activities/integrations/service-bus/dead-letter-store.js';
import { createInProcessApi, type InProcessApi } from '../../activities/integrations/service-bus/in-process-api.js';
import { localDeadLetterStore, localTaskInbox } from '../../activities/integrations/service-bus/local.js';
import type { IngressCall, IngressTargets } from '../../activities/integrations/service-bus/ports.js';
import { INGRESS_QUEUES, SERVICE_BUS_QUEUES } from '../../activities/integrations/service-bus/queues.js';
import { createServiceBusInbox } from '../../activities/integrations/service-bus/service-bus-inbox.js';
import { startTaskIngress, type RunningIngress } from '../../activities/integrations/service-bus/task-ingress.js';
import { createAdapters } from '../../activities/adapters.js';
import { loadConfig } from '../../infra/config.js';
import { temporalOutcomes } from '../../activities/integrations/service-bus/workflow-outcomes.js';
import { createAuthenticator } from '../../api/auth/authenticator.js';
import { requireApiKey } from '../../api/auth/http.js';
import { handleError } from '../../api/errors.js';
import { registerCapabilityRoutes } from '../../api/routes/capabilities.js';
import { registerDeadLetterRoutes } from '../../api/routes/dead-letters.js';
import { registerTaskRoutes } from '../../api/routes/tasks.js';
import { runCli } from '../../api/cli/main.js';
import { buildApi } from '../../api/server.js';
import { taskWorkflowId } from '../../core/tasks/queues.js';
import type { TaskStatusView } from '../../core/tasks/task.js';
import { approveSignal, rejectSignal, statusQuery } from '../../workflows/task/messages.js';
import { AntsPriority } from '../../workflows/task/search-attributes.js';
import { describeBrokeredIngressContract, describeTaskIngressContract } from '../contract/task-ingress.contract.js';
import { tenantWithKeys } from '../support/api.js';
import { FakeServiceBus } from '../support/fakes/service-bus.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';

/*
 * Task ingress over Service Bus, against an in-process fake of the broker (Azure is unreachable from tests): first
 * the port's contract (the Service Bus adapter and the local one), then end to end with a real Temporal dev server,
 * every worker pool and the API's own start path.
 */

const CONTRACT_QUEUE = 'contract-tasks';
const quiet = { warn: () => undefined };
const CONTRACT_MAX_DELIVERIES = 3;

function fakeSubject() {
  const bus = new FakeServiceBus({ [CONTRACT_QUEUE]: { requiresSession: true, maxDeliveryCount: CONTRACT_MAX_DELIVERIES } }, { acceptSessionTimeoutMs: 100 });
  const client = bus.client();
  const sender = client.createSender(CONTRACT_QUEUE);
  return {
    queue: CONTRACT_QUEUE,
    inbox: createServiceBusInbox(client, { queue: CONTRACT_QUEUE, sessions: true, concurrency: 4, sessionIdleMs: 100, retryDelayMs: 10, log: quiet }),
    deadLetters: createServiceBusDeadLetterStore(client, { queues: [CONTRACT_QUEUE] }),
    maxDeliveryCount: CONTRACT_MAX_DELIVERIES,
    async send({ messageId, body, sessionId, properties, scheduledAt }: { messageId: string; body: unknown; sessionId?: string; properties?: ServiceBusMessage['applicationProperties']; scheduledAt?: Date }) {
      const message: ServiceBusMessage = { messageId, body, ...(sessionId ? { sessionId } : {}), ...(properties ? { applicationProperties: properties } : {}) };
      if (scheduledAt) await sender.scheduleMessages(message, scheduledAt);
      else await sender.sendMessages(message);
    },
    close: () => client.close(),
  };
}

describeTaskIngressContract('service bus (fake broker)', fakeSubject);
describeBrokeredIngressContract('service bus (fake broker)', fakeSubject);
describeTaskIngressContract('local', () => ({ queue: SERVICE_BUS_QUEUES.tasks, inbox: localTaskInbox(), deadLetters: localDeadLetterStore(), close: async () => undefined }));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the fake broker keeps Service Bus semantics', () => {
  it('lets an expired lock go: delivered again with a higher count, the stale settlement refused, dead-lettered after its tries', async () => {
    const client = new FakeServiceBus({ q: { lockDurationMs: 100, maxDeliveryCount: 2 } }).client();
    await client.createSender('q').sendMessages({ messageId: 'm', body: 'x' });
    const receiver = client.createReceiver('q', { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 });
    expect(first?.deliveryCount).toBe(0);
    await pause(150);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 });
    expect(second).toMatchObject({ messageId: 'm', deliveryCount: 1 });
    if (!first) throw new Error('no first delivery');
    await expect(receiver.completeMessage(first)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await pause(150);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 50 })).toEqual([]);
    const deadLetters = await client.createReceiver('q', { subQueueType: 'deadLetter' }).peekMessages(10);
    expect(deadLetters).toEqual([expect.objectContaining({ messageId: 'm', deadLetterReason: 'MaxDeliveryCountExceeded', deliveryCount: 2 })]);
    await client.close();
  });

  it('holds a session for one receiver at a time and needs sessions on a session-enabled queue', async () => {
    const client = new FakeServiceBus({ q: { requiresSession: true } }, { acceptSessionTimeoutMs: 100 }).client();
    await expect(client.createSender('q').sendMessages({ messageId: 'none', body: 1 })).rejects.toMatchObject({ code: 'GeneralError' });
    await client.createSender('q').sendMessages([{ messageId: 'm1', body: 1, sessionId: 's' }, { messageId: 'm2', body: 2, sessionId: 's' }]);
    await expect(client.createReceiver('q').receiveMessages(1, { maxWaitTimeInMs: 10 })).rejects.toMatchObject({ code: 'GeneralError' });
    const holder = await client.acceptNextSession('q');
    expect(holder.sessionId).toBe('s');
    await expect(client.acceptSession('q', 's')).rejects.toMatchObject({ code: 'SessionCannotBeLocked' });
    await expect(client.acceptNextSession('q')).rejects.toMatchObject({ code: 'ServiceTimeout' });
    const [m1] = await holder.receiveMessages(1, { maxWaitTimeInMs: 10 });
    expect(m1?.messageId).toBe('m1');
    // Closing lets go of the session and of m1 (a failed delivery); the next holder gets m1 again, first.
    await holder.close();
    const next = await client.acceptSession('q', 's');
    expect((await next.receiveMessages(2, { maxWaitTimeInMs: 10 })).map((m) => [m.messageId, m.deliveryCount])).toEqual([['m1', 1], ['m2', 0]]);
    await client.close();
  });

  it('drops a repeated message id within the duplicate detection window, not after it', async () => {
    let now = 1_000_000;
    const client = new FakeServiceBus({ q: { duplicateDetectionWindowMs: 60_000 } }, { now: () => now }).client();
    const sender = client.createSender('q');
    await sender.sendMessages({ messageId: 'm', body: 1 });
    await sender.scheduleMessages({ messageId: 'm', body: 2 }, new Date(now + 10));
    now += 60_001;
    await sender.sendMessages({ messageId: 'm', body: 3 });
    expect((await client.createReceiver('q').peekMessages(10)).map((m) => m.body as unknown)).toEqual([1, 3]);
    await client.close();
  });

  it('subscribe completes what was handled and abandons what failed', async () => {
    const client = new FakeServiceBus({ q: {} }).client();
    await client.createSender('q').sendMessages({ messageId: 'm', body: 1 });
    const receiver = client.createReceiver('q');
    const counts: number[] = [];
    const subscription = receiver.subscribe({
      processMessage: async (message) => {
        counts.push(message.deliveryCount ?? -1);
        if (counts.length === 1) throw new Error('first try fails');
      },
      processError: async () => undefined,
    });
    for (let i = 0; i < 100 && counts.length < 2; i += 1) await pause(20);
    await subscription.close();
    expect(counts).toEqual([0, 1]);
    expect(await receiver.peekMessages(10)).toEqual([]);
    await client.close();
  });
});

describe('Service Bus credentials', () => {
  it('takes a connection string first, else a namespace with Entra ID, else none (the local profile)', () => {
    const both = loadConfig({ ANTS_SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s', ANTS_SERVICEBUS_NAMESPACE: 'b.servicebus.windows.net' });
    expect(serviceBusCredentials(both)?.kind).toBe('connection-string');
    expect(serviceBusCredentials(loadConfig({ ANTS_SERVICEBUS_NAMESPACE: 'b.servicebus.windows.net' }))).toEqual({ kind: 'entra-id', namespace: 'b.servicebus.windows.net' });
    expect(serviceBusCredentials(loadConfig({ ANTS_SERVICEBUS_CONNECTION_STRING: '', ANTS_SERVICEBUS_NAMESPACE: '' }))).toBeUndefined();
    const noDatabase = () => {
      throw new Error('dead letters need no database');
    };
    expect(createAdapters(loadConfig({}), { db: noDatabase }).deadLetters().queues).toEqual(INGRESS_QUEUES);
    // The Service Bus profile without either is refused at start, by name.
    expect(() => loadConfig({ ANTS_TASK_INGRESS: 'service-bus' })).toThrow(/ANTS_SERVICEBUS_CONNECTION_STRING or ANTS_SERVICEBUS_NAMESPACE/);
  });

  it('never repeats a connection string in its errors', async () => {
    const secret = 'SharedAccessKey=very-secret-value';
    expect(() => createServiceBusClient({ kind: 'connection-string', connectionString: secret })).toThrow('ANTS_SERVICEBUS_CONNECTION_STRING is not a valid Service Bus connection string');
    try {
      createServiceBusClient({ kind: 'connection-string', connectionString: secret });
    } catch (error) {
      expect(String(error)).not.toContain('very-secret-value');
    }
    expect(() => loadConfig({ ANTS_SERVICEBUS_NAMESPACE: 'not a host/with secret' })).toThrow(/ANTS_SERVICEBUS_NAMESPACE/);
    expect(() => loadConfig({ ANTS_SERVICEBUS_NAMESPACE: 'not a host/with secret' })).not.toThrow(/with secret/);
    // Entra ID: nothing is fetched until the client is used.
    await createServiceBusClient({ kind: 'entra-id', namespace: 'b.servicebus.windows.net' }).close();
  });
});

describe('task ingress end to end', () => {
  const harness = useTaskHarness();
  // The ingress queue's duplicate detection is off here so a repeated message id reaches the start path and proves
  // that the workflow id, not the broker alone, makes the start happen once (the contract covers the broker's part).
  const bus = new FakeServiceBus(
    {
      [SERVICE_BUS_QUEUES.tasks]: { requiresSession: true, maxDeliveryCount: 3, duplicateDetectionWindowMs: 0 },
      [SERVICE_BUS_QUEUES.integrations]: { requiresSession: true, maxDeliveryCount: 3 },
      [SERVICE_BUS_QUEUES.results]: {},
      [SERVICE_BUS_QUEUES.resultWatch]: {},
    },
    { acceptSessionTimeoutMs: 200 },
  );
  const producer = bus.client();
  const tasks = producer.createSender(SERVICE_BUS_QUEUES.tasks);
  /** Task ids whose starts fail as if Temporal were unreachable: how many more times, or for ever (Infinity). */
  const outage = new Map<string, number>();
  const calls: { taskId: unknown; tenant: string }[] = [];
  let api: InProcessApi | undefined;
  let ingress: RunningIngress | undefined;
  let startIngress: () => RunningIngress = () => {
    throw new Error('used before beforeAll ran');
  };
  let admin: FastifyInstance | undefined;

  beforeAll(async () => {
    const temporal = harness.env.client;
    const inProcess = createInProcessApi((scope) => {
      registerTaskRoutes(scope, { temporal });
      registerCapabilityRoutes(scope, { temporal });
    });
    api = inProcess;
    startIngress = () =>
      startTaskIngress({
        client: bus.client(),
        targets: { submitTask: (call) => flaky(call, inProcess.submitTask), requestCapability: inProcess.requestCapability },
        outcomes: temporalOutcomes(temporal),
        maxSessions: 4,
        retryDelayMs: 50,
        sessionIdleMs: 200,
        firstPollMs: 100,
        maxPollMs: 400,
        log: quiet,
      });
    const flaky = async (call: IngressCall, start: (c: IngressCall) => ReturnType<IngressTargets['submitTask']>) => {
      calls.push({ taskId: call.body.taskId, tenant: call.tenant });
      const left = outage.get(String(call.body.taskId)) ?? 0;
      if (left > 0) {
        outage.set(String(call.body.taskId), left - 1);
        throw new Error('14 UNAVAILABLE: Temporal is unreachable');
      }
      return start(call);
    };
    ingress = startIngress();
    // The dead-letter routes as the API serves them, over the fake broker's queues.
    admin = Fastify({ logger: false });
    admin.decorateRequest('principal', null);
    admin.setErrorHandler(handleError);
    const deadLetters = createServiceBusDeadLetterStore(bus.client(), { queues: INGRESS_QUEUES });
    void admin.register(async (scope) => {
      requireApiKey(scope, createAuthenticator(harness.db));
      registerDeadLetterRoutes(scope, { deadLetters });
    });
    await admin.ready();
  });

  afterAll(async () => {
    await ingress?.stop();
    await api?.close();
    await admin?.close();
    await producer.close();
  });

  const submission = (overrides: Record<string, unknown> = {}) => ({ agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput(), requireApproval: true, ...overrides });
  const send = (message: { messageId: string; body: unknown; tenant?: string; sessionId?: string; properties?: Record<string, string | number> }) =>
    tasks.sendMessages({
      messageId: message.messageId,
      body: message.body,
      sessionId: message.sessionId ?? message.messageId,
      applicationProperties: { ...(message.tenant ? { tenant: message.tenant } : {}), ...(message.properties ?? {}) },
    });
  const handleOf = (tenant: string, taskId: string): WorkflowHandle => harness.env.client.workflow.getHandle(taskWorkflowId(tenant, taskId));
  const settled = (queue: string, messageId: string) => () => !bus.inspect(queue).messages.some((m) => m.messageId === messageId);
  const deadLetter = (messageId: string) => bus.inspect(SERVICE_BUS_QUEUES.tasks).deadLetters.find((m) => m.messageId === messageId);
  const replies = (correlationId: string) => bus.inspect(SERVICE_BUS_QUEUES.results).messages.filter((m) => m.correlationId === correlationId);

  async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
    let last: T | undefined;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
      last = await Promise.resolve(read()).catch(() => undefined);
      if (last !== undefined && done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`never saw ${what}; last: ${JSON.stringify(last)}`);
  }
  const status = (handle: WorkflowHandle) => until(() => handle.query(statusQuery), () => true, `${handle.workflowId}'s status`);
  const awaitingApproval = (handle: WorkflowHandle) => until(() => handle.query(statusQuery), (v: TaskStatusView) => v.status === 'AWAITING_APPROVAL', `${handle.workflowId} awaiting approval`);

  it('starts one workflow per message id, takes the priority property, and publishes the outcome once', async () => {
    const tenant = freshTenant('sb');
    const messageId = `rec-${randomUUID().slice(0, 8)}`;
    await send({ messageId, body: submission(), tenant, properties: { priority: 5 } });
    await send({ messageId, body: submission(), tenant, properties: { priority: 5 } });
    await until(() => calls.filter((c) => c.taskId === messageId).length, (n) => n === 2, 'both messages reach the start path');
    await until(() => settled(SERVICE_BUS_QUEUES.tasks, messageId)(), Boolean, 'both messages completed');
    expect(deadLetter(messageId)).toBeUndefined();

    const handle = handleOf(tenant, messageId);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(AntsPriority)).toBe(5);
    const runs = [];
    for await (const run of harness.env.client.workflow.list({ query: `WorkflowId = '${taskWorkflowId(tenant, messageId)}'` })) runs.push(run.runId);
    expect(runs).toEqual([description.runId]);

    await awaitingApproval(handle);
    expect(replies(messageId)).toEqual([]);
    await handle.signal(approveSignal, { approverId: 'alice' });
    const published = await until(() => replies(messageId), (list) => list.length > 0, 'the reply');
    expect(published).toEqual([
      expect.objectContaining({ messageId: `${messageId}:result`, subject: 'task.completed', properties: expect.objectContaining({ tenant, workflowId: taskWorkflowId(tenant, messageId) }) }),
    ]);
    expect(published[0]?.body).toMatchObject({ kind: 'task', tenant, status: 'COMPLETED', correlationId: messageId });
    // Its watch is over: nothing else is published for it.
    await until(() => bus.inspect(SERVICE_BUS_QUEUES.resultWatch).messages.filter((m) => m.messageId.startsWith(messageId)), (list) => list.length === 0, 'the watch to end');
    expect(replies(messageId)).toHaveLength(1);
  });

  it('dead-letters poison at once with its reason, and never starts anything for it', async () => {
    const tenant = freshTenant('sb');
    const cases = [
      { messageId: `bad-json-${randomUUID().slice(0, 8)}`, body: '{"agentType": ', tenant, reason: 'InvalidJson' },
      { messageId: `no-tenant-${randomUUID().slice(0, 8)}`, body: submission(), reason: 'InvalidProperties' },
      { messageId: `bad-schema-${randomUUID().slice(0, 8)}`, body: submission({ priority: 9 }), tenant, reason: 'InvalidSubmission' },
      { messageId: `unknown-agent-${randomUUID().slice(0, 8)}`, body: submission({ agentType: 'nobody.knows' }), tenant, reason: 'InvalidSubmission', description: /unknown agent type/ },
      { messageId: `other-tenant-${randomUUID().slice(0, 8)}`, body: submission({ tenant: 'someone-else' }), tenant, reason: 'InvalidSubmission', description: /403/ },
      { messageId: `wrong-id-${randomUUID().slice(0, 8)}`, body: submission({ taskId: 'another-id' }), tenant, reason: 'TaskIdMismatch' },
      { messageId: `bad-priority-${randomUUID().slice(0, 8)}`, body: submission(), tenant, properties: { priority: 'urgent' }, reason: 'InvalidProperties' },
      { messageId: 'not:an:identifier', body: submission(), tenant, reason: 'InvalidMessageId' },
    ];
    for (const poison of cases) await send(poison);
    for (const poison of cases) {
      const letter = await until(() => deadLetter(poison.messageId), (found) => found !== undefined, `${poison.messageId} dead-lettered`);
      expect(letter).toMatchObject({ deadLetterReason: poison.reason, deliveryCount: 0 });
      if (poison.description) expect(letter?.deadLetterErrorDescription).toMatch(poison.description);
      await expect(handleOf(tenant, poison.messageId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });

  it('abandons a message whose start failed and starts it on redelivery', async () => {
    const tenant = freshTenant('sb');
    const messageId = `retry-${randomUUID().slice(0, 8)}`;
    outage.set(messageId, 1);
    await send({ messageId, body: submission(), tenant });
    await until(() => settled(SERVICE_BUS_QUEUES.tasks, messageId)(), Boolean, 'the message completed after a retry');
    expect(calls.filter((c) => c.taskId === messageId)).toHaveLength(2);
    expect(deadLetter(messageId)).toBeUndefined();
    expect((await handleOf(tenant, messageId).describe()).status.name).toBe('RUNNING');
  });

  it("runs a session's tasks in the order they were sent, and publishes each outcome", async () => {
    const tenant = freshTenant('sb');
    const sessionId = `customer-${randomUUID().slice(0, 8)}`;
    const ids = ['a', 'b', 'c'].map((x) => `${sessionId}-${x}`);
    for (const messageId of ids) await send({ messageId, body: submission(), tenant, sessionId });
    const [a, b, c] = ids.map((id) => handleOf(tenant, id)) as [WorkflowHandle, WorkflowHandle, WorkflowHandle];
    await until(() => ids.every((id) => settled(SERVICE_BUS_QUEUES.tasks, id)()), Boolean, 'all three started');

    await awaitingApproval(a);
    expect((await status(b)).step).toBe('session');
    expect((await status(c)).step).toBe('session');
    await a.signal(approveSignal, { approverId: 'alice' });
    await awaitingApproval(b);
    expect((await status(c)).step).toBe('session');
    await b.signal(rejectSignal, { approverId: 'alice', comment: 'not this one' });
    await awaitingApproval(c);
    await c.signal(approveSignal, { approverId: 'alice' });

    const subjects = await Promise.all(ids.map((id) => until(() => replies(id), (list) => list.length === 1, `the reply to ${id}`).then((list) => list[0]?.subject)));
    expect(subjects).toEqual(['task.completed', 'task.failed', 'task.completed']);
    expect(replies(ids[1] ?? '')[0]?.body).toMatchObject({ status: 'REJECTED', approval: { decision: 'reject', comment: 'not this one' } });
  });

  it('does not start a scheduled message before its time', async () => {
    const tenant = freshTenant('sb');
    const messageId = `later-${randomUUID().slice(0, 8)}`;
    const at = new Date(Date.now() + 3_000);
    await tasks.scheduleMessages({ messageId, body: submission(), sessionId: messageId, applicationProperties: { tenant } }, at);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect(handleOf(tenant, messageId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const started = await until(() => handleOf(tenant, messageId).describe(), () => true, 'the scheduled task');
    expect(started.startTime.getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('starts a capability request from ants-integrations and dead-letters an invalid one', async () => {
    const tenant = freshTenant('sb');
    const integrations = producer.createSender(SERVICE_BUS_QUEUES.integrations);
    const good = `cap-${randomUUID().slice(0, 8)}`;
    const bad = `cap-bad-${randomUUID().slice(0, 8)}`;
    await integrations.sendMessages({ messageId: good, sessionId: good, applicationProperties: { tenant }, body: { api: { specUrl: 'http://127.0.0.1:9/openapi.json' }, operations: ['listCharges'] } });
    await integrations.sendMessages({ messageId: bad, sessionId: bad, applicationProperties: { tenant }, body: { api: {} } });
    await until(() => settled(SERVICE_BUS_QUEUES.integrations, good)(), Boolean, 'the capability request completed');
    const letter = await until(() => bus.inspect(SERVICE_BUS_QUEUES.integrations).deadLetters.find((m) => m.messageId === bad), (found) => found !== undefined, 'the invalid request dead-lettered');
    expect(letter?.deadLetterReason).toBe('InvalidSubmission');
    // Its build is watched for the reply like a task.
    expect(bus.inspect(SERVICE_BUS_QUEUES.resultWatch).messages.some((m) => m.messageId.startsWith(`${good}:watch-capability`)) || replies(good).length > 0).toBe(true);
    await integrations.close();
  });

  it('lists dead letters and resubmits one through the API (admins only); the resubmission starts the original task', async () => {
    const { id: tenant, keys } = await tenantWithKeys(harness.db, 'sb');
    const messageId = `down-${randomUUID().slice(0, 8)}`;
    outage.set(messageId, Number.POSITIVE_INFINITY);
    await send({ messageId, body: submission(), tenant });
    await until(() => deadLetter(messageId), (found) => found !== undefined, 'the message dead-lettered by the broker');
    const call = async (key: string, method: 'GET' | 'POST', url: string) => {
      const response = await (admin as FastifyInstance).inject({ method, url, headers: { authorization: `Bearer ${key}` } });
      return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
    };

    expect((await call(keys.operator, 'GET', '/v1/dead-letters?queue=ants-tasks')).status).toBe(403);
    expect((await call(keys.admin, 'GET', '/v1/dead-letters?queue=nope')).status).toBe(404);
    const listed = await call(keys.admin, 'GET', '/v1/dead-letters?queue=ants-tasks&limit=250');
    expect(listed.status).toBe(200);
    const letters = listed.body.deadLetters as Record<string, unknown>[];
    expect(letters.find((l) => l.messageId === messageId)).toMatchObject({ reason: 'MaxDeliveryCountExceeded', deliveryCount: 3, tenant, idempotencyKey: messageId });

    // Temporal is back: the resubmission starts the task the original message stood for.
    outage.delete(messageId);
    expect((await call(keys.operator, 'POST', `/v1/dead-letters/ants-tasks/${messageId}/resubmit`)).status).toBe(403);
    const resubmitted = await call(keys.admin, 'POST', `/v1/dead-letters/ants-tasks/${messageId}/resubmit`);
    expect(resubmitted).toMatchObject({ status: 200, body: { queue: 'ants-tasks', messageId, idempotencyKey: messageId } });
    expect((await call(keys.admin, 'POST', `/v1/dead-letters/ants-tasks/${messageId}/resubmit`)).status).toBe(404);
    await until(() => handleOf(tenant, messageId).describe(), () => true, 'the resubmitted task');
    expect(deadLetter(messageId)).toBeUndefined();
  });

  it('publishes a reply that came due while the bridge was down, once, after it restarts', async () => {
    const tenant = freshTenant('sb');
    const messageId = `restart-${randomUUID().slice(0, 8)}`;
    await send({ messageId, body: submission(), tenant });
    const handle = handleOf(tenant, messageId);
    await awaitingApproval(handle);
    await ingress?.stop();
    await handle.signal(approveSignal, { approverId: 'alice' });
    expect((await handle.result()).status).toBe('COMPLETED');
    await pause(500);
    expect(replies(messageId)).toEqual([]);
    ingress = startIngress();
    await until(() => replies(messageId), (list) => list.length > 0, 'the reply after the restart');
    await pause(1_000);
    expect(replies(messageId)).toEqual([expect.objectContaining({ messageId: `${messageId}:result`, subject: 'task.completed' })]);
  });

  it('lists and resubmits dead letters from the command line', async () => {
    const { id: tenant, keys } = await tenantWithKeys(harness.db, 'sb');
    const messageId = `cli-${randomUUID().slice(0, 8)}`;
    await send({ messageId, body: submission({ agentType: 'nobody.knows' }), tenant });
    await until(() => deadLetter(messageId), (found) => found !== undefined, 'the poison message dead-lettered');
    const address = await (admin as FastifyInstance).listen({ port: 0, host: '127.0.0.1' });
    const out: string[] = [];
    const io = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void out.push(text) };
    const env = { ANTS_API_URL: address, ANTS_API_KEY: keys.admin };

    expect(await runCli(['dead-letters', 'list', '--queue', 'ants-tasks', '--limit', '250'], env, io)).toBe(0);
    expect(out.join('')).toMatch(new RegExp(`${messageId}  tenant=${tenant}  InvalidSubmission: 400 invalid_request: unknown agent type`));
    out.length = 0;
    expect(await runCli(['dead-letters', 'resubmit', messageId], env, io)).toBe(0);
    expect(out.join('')).toContain(`Resubmitted ${messageId} to ants-tasks as ${messageId}:resubmit-`);
    // Still poison: dead-lettered again under its new id, still standing for the same task.
    const again = await until(() => bus.inspect(SERVICE_BUS_QUEUES.tasks).deadLetters.find((m) => m.properties.originalMessageId === messageId), (found) => found !== undefined, 'the resubmission dead-lettered again');
    expect(again?.deadLetterReason).toBe('InvalidSubmission');
    out.length = 0;
    expect(await runCli(['dead-letters', 'resubmit', messageId], { ...env, ANTS_API_KEY: keys.operator }, io)).toBe(1);
    expect(out.join('')).toContain('403');
  });

  it('answers an empty list in the local profile, through the API as it is built', async () => {
    const { keys } = await tenantWithKeys(harness.db, 'sb');
    const app = buildApi({ db: harness.db, temporal: harness.env.client, logLevel: 'silent' });
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/dead-letters?queue=ants-tasks', headers: { authorization: `Bearer ${keys.admin}` } });
      expect({ status: response.statusCode, body: response.json<unknown>() }).toEqual({ status: 200, body: { queue: 'ants-tasks', deadLetters: [] } });
      const viewer = await app.inject({ method: 'GET', url: '/v1/dead-letters?queue=ants-tasks', headers: { authorization: `Bearer ${keys.viewer}` } });
      expect(viewer.statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
