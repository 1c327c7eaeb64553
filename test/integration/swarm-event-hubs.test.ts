import { afterAll, describe, expect, it } from 'vitest';
import type { PheromoneNotice } from '../../activities/swarm/ports.js';
import { consumerGroupFor, createEventHubsClients, createEventHubsPheromoneField, MAX_TTL_MS, type EventHubsFieldOptions, type EventHubsPheromoneField } from '../../activities/swarm/event-hubs/index.js';
import { describePheromoneFieldContract } from '../contract/pheromone-field.contract.js';
import { FakeEventHub, InMemoryCheckpointStore } from '../support/fakes/event-hubs.js';
import { freshTenant } from '../support/stack.js';

const DAY_MS = 24 * 3600 * 1000;
const opened: EventHubsPheromoneField[] = [];
afterAll(async () => {
  for (const field of opened) await field.close();
});

/** A worker's field on a shared hub and checkpoint store. */
function workerOn(hub: FakeEventHub, store: InMemoryCheckpointStore, clock: () => number, more: Partial<EventHubsFieldOptions> = {}): EventHubsPheromoneField {
  const field = createEventHubsPheromoneField({
    producer: hub.producer(),
    consumerFor: ({ consumerGroup, checkpointStore }) => hub.consumer(consumerGroup, checkpointStore),
    checkpointStore: store,
    clock,
    ...more,
  });
  opened.push(field);
  return field;
}

/** Waits for a condition the hub's readers bring about (they run asynchronously), never for a fixed time. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function world(options: { partitions?: number; retentionMs?: number; maxBatchBytes?: number } = {}) {
  let now = Date.now();
  const clock = () => now;
  const hub = new FakeEventHub({ partitions: options.partitions ?? 4, retentionMs: options.retentionMs, maxBatchBytes: options.maxBatchBytes, now: clock });
  const store = new InMemoryCheckpointStore();
  return { hub, store, clock, advance: (ms: number) => void (now += ms), worker: (more?: Partial<EventHubsFieldOptions>) => workerOn(hub, store, clock, more) };
}

describePheromoneFieldContract('event-hubs', () => {
  const { worker, advance } = world();
  return { field: worker(), advance };
});

describe('pheromone field on Event Hubs', () => {
  it('converges across workers sharing one hub, even when both reinforce one trail at once', async () => {
    const { worker } = world();
    const [a, b] = [worker(), worker()];
    const tenant = freshTenant('eh');
    await b.serve(tenant);
    const trail = { tenant, type: 'success' as const, location: 'finance.reconciliation', depositor: 'agent-1', strength: 0.2, ttlMs: 60_000 };
    await a.deposit(trail);
    await until(async () => (await b.detect({ tenant })).length === 1, 'the second worker sees the deposit');

    await Promise.all([a.reinforce({ ...trail, strength: 0.3 }), b.reinforce({ ...trail, strength: 0.4 })]);
    const strengthOn = async (field: EventHubsPheromoneField) => (await field.detect({ tenant }))[0]?.current;
    // Both reinforcements count on both workers, folded in the hub's order: 0.2 + 0.3 + 0.4.
    await until(async () => (await strengthOn(a)) === 0.9 && (await strengthOn(b)) === 0.9, 'both workers hold the sum of the reinforcements');
    expect(await a.detect({ tenant })).toEqual(await b.detect({ tenant }));
  });

  it('rebuilds a restarted worker’s cache from the hub before it answers', async () => {
    const { worker } = world();
    const tenant = freshTenant('eh');
    const first = worker();
    await first.deposit({ tenant, type: 'task', location: 'hr.onboarding', depositor: 'task-1', strength: 0.5, ttlMs: 60_000 });
    await first.deposit({ tenant, type: 'task', location: 'hr.onboarding', depositor: 'task-2', strength: 0.9, ttlMs: 60_000 });
    await first.reinforce({ tenant, type: 'success', location: 'hr.onboarding', depositor: 'agent-1', strength: 0.4, ttlMs: 60_000 });
    await first.reinforce({ tenant, type: 'success', location: 'hr.onboarding', depositor: 'agent-1', strength: 0.4, ttlMs: 60_000 });
    await first.withdraw({ tenant, type: 'task', location: 'hr.onboarding', depositor: 'task-1' });
    const before = await first.detect({ tenant });
    await first.close();

    const restarted = worker();
    expect(await restarted.detect({ tenant })).toEqual(before);
    expect(before.map((p) => [p.depositor, p.current])).toEqual([
      ['task-2', 0.9],
      ['agent-1', 0.8],
    ]);
  });

  it('rebuilds a trail whose first events are older than the replay window from what its last writer saw', async () => {
    const { worker, advance } = world({ retentionMs: 30 * DAY_MS });
    const tenant = freshTenant('eh');
    const trail = { tenant, type: 'success' as const, location: 'integrations.stripe', depositor: 'agent-1', strength: 0.5, ttlMs: MAX_TTL_MS };
    const first = worker();
    await first.deposit(trail);
    advance(6 * DAY_MS);
    const reinforced = await first.reinforce(trail); // what is left of the first deposit, plus 0.5
    advance(2 * DAY_MS); // the first deposit is now older than the replay window
    const live = await first.detect({ tenant });
    await first.close();

    const restarted = worker();
    expect(await restarted.detect({ tenant })).toEqual(live);
    expect(live[0]?.strength).toBeCloseTo(reinforced.strength, 6);
  });

  it('applies a redelivered event once, and tells of it once', async () => {
    const { hub, worker } = world();
    const tenant = freshTenant('eh');
    const writer = worker();
    const trail = { tenant, type: 'success' as const, location: 'finance.reconciliation', depositor: 'agent-1', strength: 0.3, ttlMs: 60_000 };
    const listener = worker();
    const heard: PheromoneNotice[] = [];
    const stop = await listener.subscribe((notice) => heard.push(notice));
    await listener.serve(tenant);
    await writer.deposit(trail);
    await writer.reinforce(trail);
    const partition = hub.partitionFor(trail.location);
    const reinforcement = hub.eventsIn(partition).find((e) => (e.body as { op: string; tenant: string }).op === 'reinforce' && (e.body as { tenant: string }).tenant === tenant);
    if (!reinforcement) throw new Error('the reinforcement is not on the hub');
    hub.redeliver(partition, reinforcement.sequenceNumber);
    await writer.deposit({ ...trail, location: 'finance.close', depositor: 'agent-2' }); // after the duplicate, in another place

    await until(() => heard.length >= 3, 'the listener hears the deposits and the reinforcement');
    const freshWorker = worker();
    for (const field of [writer, listener, freshWorker]) {
      await until(async () => (await field.detect({ tenant })).length === 2, 'every worker holds both trails');
      expect((await field.detect({ tenant, location: trail.location }))[0]?.current).toBe(0.6);
    }
    await stop();
    expect(heard.filter((n) => n.location === trail.location)).toHaveLength(2);
  });

  it('reads each tenant through consumer groups of its own, and tells each notice once across workers', async () => {
    const { hub, store, worker } = world();
    const [t1, t2] = [freshTenant('eh'), freshTenant('eh')];
    const [a, b] = [worker({ tenants: [t1] }), worker({ tenants: [t1] })];
    const heardByA: PheromoneNotice[] = [];
    const heardByB: PheromoneNotice[] = [];
    const stops = [await a.subscribe((n) => heardByA.push(n)), await b.subscribe((n) => heardByB.push(n))];
    await Promise.all([a.serve(t1), b.serve(t1)]);
    const other = worker();
    const locations = ['finance.reconciliation', 'hr.onboarding', 'integrations.stripe', 'security', 'sales.crm', 'ops.paging'];
    for (const location of locations) {
      await other.deposit({ tenant: t1, type: 'task', location, depositor: 'task-1', strength: 0.5, ttlMs: 60_000 });
      await other.deposit({ tenant: t2, type: 'task', location, depositor: 'task-1', strength: 0.5, ttlMs: 60_000 });
    }
    // Every partition's notices checkpointed up to its last event: everything there was to tell has been told.
    const checkpointed = async () => {
      const checkpoints = await store.listCheckpoints(hub.namespace, hub.name, consumerGroupFor(t1, 'notices'));
      return hub.partitionIds().every((id) => {
        const last = hub.eventsIn(id).at(-1);
        return !last || checkpoints.some((c) => c.partitionId === id && c.sequenceNumber === last.sequenceNumber);
      });
    };
    await until(checkpointed, 'the notices group has checkpointed every partition');
    for (const stop of stops) await stop();

    const heard = [...heardByA, ...heardByB];
    expect(heard.every((n) => n.tenant === t1)).toBe(true);
    expect(heard.map((n) => n.location).sort()).toEqual([...locations].sort());
    expect(heardByA.length).toBeGreaterThan(0);
    expect(heardByB.length).toBeGreaterThan(0);
    expect(hub.consumerGroupsUsed).toEqual(new Set([consumerGroupFor(t1, 'cache'), consumerGroupFor(t1, 'notices'), consumerGroupFor(t2, 'cache')]));
    expect(await store.listCheckpoints(hub.namespace, hub.name, consumerGroupFor(t2, 'notices'))).toEqual([]);
    expect(consumerGroupFor(t1, 'notices')).toBe(`ants-${t1}`);
    expect(consumerGroupFor('x'.repeat(128), 'cache')).toMatch(/^ants-[0-9a-f]{24}-cache$/);
  });

  it('puts one location’s events, from any worker and tenant, in one partition', async () => {
    const { hub, worker } = world({ partitions: 8 });
    const [a, b] = [worker(), worker()];
    const location = 'integrations.payments';
    for (const [i, field] of [a, b, a, b].entries()) {
      await field.deposit({ tenant: freshTenant('eh'), type: 'danger', location, depositor: `agent-${i}`, strength: 0.7, ttlMs: 60_000 });
    }
    const holding = hub.partitionIds().filter((id) => hub.eventsIn(id).some((e) => e.partitionKey === location));
    expect(holding).toEqual([hub.partitionFor(location)]);
    expect(hub.eventsIn(hub.partitionFor(location)).filter((e) => e.partitionKey === location)).toHaveLength(4);
  });

  it('sends a burst of deposits in few batches, each within the hub’s size limit', async () => {
    const { hub, worker } = world({ maxBatchBytes: 16 * 1024 });
    const writer = worker();
    const tenant = freshTenant('eh');
    await writer.serve(tenant);
    const sendsBefore = hub.sends;
    const locations = ['finance.reconciliation', 'hr.onboarding', 'integrations.stripe'];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        writer.deposit({ tenant, type: 'task', location: locations[i % 3] ?? 'x', depositor: `task-${i}`, strength: 0.5, ttlMs: 60_000, data: { note: 'n'.repeat(200) } }),
      ),
    );
    const sends = hub.sends - sendsBefore;
    expect(sends).toBeLessThan(100);
    expect(sends).toBeGreaterThan(3); // 16 KiB holds fewer than a third of them: size bounds the batches too
    const reader = worker();
    await until(async () => (await reader.detect({ tenant, limit: 1000 })).length === 100, 'another worker holds all 100 trails');
    // Within a location, the hub holds the deposits in the order they were made.
    const stored = hub.eventsIn(hub.partitionFor('hr.onboarding')).map((e) => e.body as { tenant: string; location: string; depositor: string });
    const order = stored.filter((e) => e.tenant === tenant && e.location === 'hr.onboarding').map((e) => Number(e.depositor.slice('task-'.length)));
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('fails a deposit whose send fails, and leaves no trace of it', async () => {
    const { hub, worker } = world();
    const field = worker();
    const tenant = freshTenant('eh');
    await field.serve(tenant);
    hub.failSends(1);
    await expect(field.deposit({ tenant, type: 'danger', location: 'security', depositor: 'a-1', strength: 1, ttlMs: 60_000 })).rejects.toThrow(/busy/);
    expect(await field.detect({ tenant })).toEqual([]);
  });

  it('fails loudly, naming the cause, when a tenant has more cache readers than Event Hubs allows', async () => {
    const { worker } = world();
    const tenant = freshTenant('eh');
    const five = Array.from({ length: 5 }, () => worker());
    await Promise.all(five.map((field) => field.serve(tenant)));
    await five[0]?.deposit({ tenant, type: 'task', location: 'hr.onboarding', depositor: 'task-1', strength: 0.5, ttlMs: 60_000 });
    const sixth = worker({ catchUpTimeoutMs: 200 });
    await expect(sixth.detect({ tenant })).rejects.toThrow(/not caught up .*maximum number of allowed receivers/);
  });

  it('serves every tenant to a process that follows the whole field', async () => {
    const { worker } = world();
    const follower = worker({ tenants: 'all' });
    const heard: PheromoneNotice[] = [];
    const stop = await follower.subscribe((n) => heard.push(n));
    const tenant = freshTenant('eh');
    await worker().deposit({ tenant, type: 'capability', location: 'integrations.crm', depositor: 'agent-1', strength: 0.8, ttlMs: 60_000 });
    await until(() => heard.some((n) => n.tenant === tenant), 'the follower hears a tenant it never named');
    await until(async () => (await follower.tenantsWith('capability')).includes(tenant), 'the follower knows the tenant has capability trails');
    expect(await follower.tenantsWith('danger')).not.toContain(tenant);
    await stop();
  });

  it('builds the real clients from configuration, without connecting and without repeating a secret', async () => {
    const secret = 'c2VjcmV0LWtleS12YWx1ZQ==';
    const connectionString = `Endpoint=sb://ants-test.servicebus.windows.net/;SharedAccessKeyName=send-listen;SharedAccessKey=${secret};EntityPath=ants-pheromones`;
    const checkpointUrl = 'https://antstest.blob.core.windows.net/pheromone-checkpoints?sv=2024-01-01&sig=not-a-real-signature';
    const clients = createEventHubsClients({ connectionString, hub: 'ants-pheromones', checkpointUrl });
    const consumer = clients.consumerFor({ tenant: 't', purpose: 'notices', consumerGroup: 'ants-t', checkpointStore: clients.checkpointStore });
    await consumer.close();
    await clients.producer.close();
    let refusal: unknown;
    try {
      createEventHubsClients({ connectionString, namespace: 'ants-test.servicebus.windows.net', hub: 'ants-pheromones', checkpointUrl });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(/either an Event Hubs namespace or a connection string/);
    expect((refusal as Error).message).not.toContain(secret);
    expect((refusal as Error).message).not.toContain('not-a-real-signature');
  });
});
