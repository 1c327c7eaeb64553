import { randomUUID } from 'node:crypto';
import {
  CloseReason,
  MessagingError,
  type Checkpoint,
  type CheckpointStore,
  type CreateBatchOptions,
  type EventData,
  type EventDataBatch,
  type EventHubConsumerClient,
  type EventHubProducerClient,
  type EventHubProperties,
  type EventPosition,
  type PartitionContext,
  type PartitionOwnership,
  type PartitionProperties,
  type ReceivedEventData,
  type SendBatchOptions,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionEventHandlers,
} from '@azure/event-hubs';

/*
 * An in-process Event Hub for tests (Event Hubs speaks AMQP, so there is no wire fake). The clients are typed against
 * the SDK's own client types, so the compiler proves the fakes have the real shapes. What it does, as the service does:
 * - a fixed number of partitions; an event with a partition key always lands in the partition the key hashes to (the
 *   hash function is not the service's), so one key's events keep their order; sequence numbers and offsets count per
 *   partition; events older than the retention are dropped;
 * - every consumer group reads on its own; a start position is earliest, latest (the SDK's default), a sequence
 *   number or offset (inclusive or not) or an enqueue time (events enqueued after it);
 * - a consumer made without a checkpoint store reads every partition with non-exclusive readers; one made with a
 *   store balances the partitions among the group's subscriptions (claiming ownership with etags in the store) and
 *   reads each from its checkpoint, with exclusive readers (owner level 0, as the SDK does). An exclusive reader
 *   detaches the non-exclusive readers of its group's partition, and a non-exclusive reader cannot attach next to
 *   one; at most five readers read one partition of one group;
 * - `createBatch` honours the size limit (sizes approximate the AMQP encoding: the JSON of body and properties plus
 *   a fixed overhead per event).
 * What it leaves out: empty batches after `maxWaitTimeInSeconds`, transport failures (inject them with `failSends`),
 * idempotent publishing, and the service's exact load-balancing timing (ownership moves at once).
 */

const MAX_BATCH_BYTES = 1_048_576;
const BATCH_OVERHEAD_BYTES = 32;
const EVENT_OVERHEAD_BYTES = 64;
const MAX_READERS_PER_PARTITION = 5;

export type FakeProducerClient = Pick<
  EventHubProducerClient,
  'createBatch' | 'sendBatch' | 'close' | 'getPartitionIds' | 'getPartitionProperties' | 'getEventHubProperties' | 'eventHubName' | 'fullyQualifiedNamespace'
>;
export type FakeConsumerClient = Pick<
  EventHubConsumerClient,
  'subscribe' | 'close' | 'getPartitionIds' | 'getPartitionProperties' | 'getEventHubProperties' | 'eventHubName' | 'fullyQualifiedNamespace'
>;
type BatchMember = Parameters<EventDataBatch['tryAdd']>[0];
type RawAmqpMessage = ReturnType<ReceivedEventData['getRawAmqpMessage']>;

interface StoredEvent {
  body: unknown;
  properties: Record<string, unknown> | undefined;
  messageId: EventData['messageId'];
  contentType: string | undefined;
  partitionKey: string | null;
  sequenceNumber: number;
  offset: number;
  enqueuedTimeUtc: Date;
}

/** The JSON round trip an event body makes on the wire: receivers never share objects with senders. */
function overTheWire<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function asEventData(member: BatchMember): EventData {
  if ('bodyType' in member || 'applicationProperties' in member || 'messageAnnotations' in member) {
    const amqp = member as RawAmqpMessage;
    return { body: amqp.body, properties: amqp.applicationProperties, messageId: amqp.properties?.messageId, contentType: amqp.properties?.contentType };
  }
  return member as EventData;
}

function sizeOf(event: EventData): number {
  return EVENT_OVERHEAD_BYTES + Buffer.byteLength(JSON.stringify(event.body ?? null)) + Buffer.byteLength(JSON.stringify(event.properties ?? {})) + String(event.messageId ?? '').length;
}

/** FNV-1a: the same key, the same partition. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

class FakeEventDataBatch implements EventDataBatch {
  readonly events: EventData[] = [];
  private bytes = BATCH_OVERHEAD_BYTES;

  constructor(
    readonly maxSizeInBytes: number,
    readonly partitionKey: string | undefined,
    readonly partitionId: string | undefined,
  ) {}

  get sizeInBytes(): number {
    return this.bytes;
  }

  get count(): number {
    return this.events.length;
  }

  tryAdd(member: BatchMember): boolean {
    const event = asEventData(member);
    const size = sizeOf(event);
    if (this.bytes + size > this.maxSizeInBytes) return false;
    this.bytes += size;
    this.events.push(event);
    return true;
  }
}

class Partition {
  events: StoredEvent[] = [];
  private nextSequence = 0;
  private nextOffset = 0;
  /** Readers attached to this partition, by consumer group. */
  readonly readers = new Map<string, Set<PartitionReader>>();

  constructor(readonly id: string) {}

  append(event: Omit<StoredEvent, 'sequenceNumber' | 'offset'>): StoredEvent {
    const stored = { ...event, sequenceNumber: this.nextSequence, offset: this.nextOffset };
    this.nextSequence += 1;
    this.nextOffset += sizeOf({ body: event.body, properties: event.properties, messageId: event.messageId });
    this.events.push(stored);
    return stored;
  }

  dropOlderThan(cutoff: number): void {
    const kept = this.events.findIndex((event) => event.enqueuedTimeUtc.getTime() >= cutoff);
    this.events = kept < 0 ? [] : this.events.slice(kept);
  }

  /** The sequence number a reader starting at `position` reads first. */
  firstSequenceAt(position: EventPosition): number {
    const first = this.events[0]?.sequenceNumber ?? this.nextSequence;
    const at = (index: number) => (index < 0 ? this.nextSequence : (this.events[index]?.sequenceNumber ?? this.nextSequence));
    if (position.offset === '@latest') return this.nextSequence;
    if (position.offset !== undefined) {
      const offset = Number(position.offset);
      if (offset < 0) return first;
      return at(this.events.findIndex((e) => (position.isInclusive ? e.offset >= offset : e.offset > offset)));
    }
    if (position.sequenceNumber !== undefined) {
      const sequence = position.sequenceNumber;
      return Math.max(first, position.isInclusive ? sequence : sequence + 1);
    }
    if (position.enqueuedOn !== undefined) {
      const time = new Date(position.enqueuedOn).getTime();
      return at(this.events.findIndex((e) => e.enqueuedTimeUtc.getTime() > time));
    }
    return this.nextSequence;
  }

  eventsFrom(sequence: number, max: number): StoredEvent[] {
    const start = this.events.findIndex((e) => e.sequenceNumber >= sequence);
    return start < 0 ? [] : this.events.slice(start, start + max);
  }

  properties(hubName: string): PartitionProperties {
    const last = this.events.at(-1);
    return {
      eventHubName: hubName,
      partitionId: this.id,
      beginningSequenceNumber: this.events[0]?.sequenceNumber ?? this.nextSequence,
      lastEnqueuedSequenceNumber: last?.sequenceNumber ?? this.nextSequence - 1,
      lastEnqueuedOffset: String(last?.offset ?? -1),
      lastEnqueuedOnUtc: last?.enqueuedTimeUtc ?? new Date(0),
      isEmpty: this.events.length === 0,
    };
  }
}

function received(event: StoredEvent): ReceivedEventData {
  const body = overTheWire(event.body);
  const properties = overTheWire(event.properties);
  return {
    body,
    properties,
    enqueuedTimeUtc: new Date(event.enqueuedTimeUtc),
    partitionKey: event.partitionKey,
    offset: String(event.offset),
    sequenceNumber: event.sequenceNumber,
    systemProperties: {},
    contentType: event.contentType,
    messageId: event.messageId,
    getRawAmqpMessage: (): RawAmqpMessage => ({
      body,
      bodyType: 'data',
      applicationProperties: properties,
      messageAnnotations: { 'x-opt-partition-key': event.partitionKey, 'x-opt-sequence-number': event.sequenceNumber, 'x-opt-offset': String(event.offset), 'x-opt-enqueued-time': event.enqueuedTimeUtc.getTime() },
      properties: { messageId: event.messageId, contentType: event.contentType },
    }),
  };
}

/** One subscription's reading of one partition: delivers batches in order, one at a time. */
class PartitionReader {
  private nextSequence: number;
  private pumping = false;
  private initialized = false;
  closed = false;

  constructor(
    private readonly partition: Partition,
    readonly exclusive: boolean,
    private readonly handlers: SubscriptionEventHandlers,
    readonly context: PartitionContext,
    startSequence: number,
    private readonly maxBatchSize: number,
  ) {
    this.nextSequence = startSequence;
  }

  /** Something may have arrived: read it (later, never inside the sender's call). */
  wake(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    setImmediate(() => void this.pump());
  }

  async close(reason: CloseReason): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.initialized) await this.handlers.processClose?.(reason, this.context);
  }

  /** Detached by the service: the subscription hears why, as it would from the SDK. */
  async detach(error: MessagingError): Promise<void> {
    this.closed = true;
    await this.handlers.processError(error, this.context);
  }

  private async pump(): Promise<void> {
    try {
      if (!this.initialized) {
        this.initialized = true;
        await this.handlers.processInitialize?.(this.context);
      }
      for (;;) {
        if (this.closed) return;
        const batch = this.partition.eventsFrom(this.nextSequence, this.maxBatchSize);
        if (batch.length === 0) return;
        this.nextSequence = (batch.at(-1)?.sequenceNumber ?? this.nextSequence) + 1;
        try {
          await this.handlers.processEvents(batch.map(received), this.context);
        } catch (error) {
          await this.handlers.processError(error instanceof Error ? error : new Error(String(error)), this.context);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** An in-memory CheckpointStore with the blob store's rules: a claim succeeds only with the current etag. */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly ownerships = new Map<string, PartitionOwnership>();
  private readonly checkpoints = new Map<string, Checkpoint>();

  private static key(p: { fullyQualifiedNamespace: string; eventHubName: string; consumerGroup: string; partitionId: string }): string {
    return JSON.stringify([p.fullyQualifiedNamespace.toLowerCase(), p.eventHubName.toLowerCase(), p.consumerGroup.toLowerCase(), p.partitionId]);
  }

  private static inGroup(p: { fullyQualifiedNamespace: string; eventHubName: string; consumerGroup: string }, namespace: string, hub: string, group: string): boolean {
    return p.fullyQualifiedNamespace.toLowerCase() === namespace.toLowerCase() && p.eventHubName.toLowerCase() === hub.toLowerCase() && p.consumerGroup.toLowerCase() === group.toLowerCase();
  }

  async listOwnership(fullyQualifiedNamespace: string, eventHubName: string, consumerGroup: string): Promise<PartitionOwnership[]> {
    return [...this.ownerships.values()].filter((o) => InMemoryCheckpointStore.inGroup(o, fullyQualifiedNamespace, eventHubName, consumerGroup)).map((o) => ({ ...o }));
  }

  async claimOwnership(requested: PartitionOwnership[]): Promise<PartitionOwnership[]> {
    const claimed: PartitionOwnership[] = [];
    for (const ownership of requested) {
      const key = InMemoryCheckpointStore.key(ownership);
      const current = this.ownerships.get(key);
      if (current && current.etag !== ownership.etag) continue; // someone else changed it since the caller looked
      const next = { ...ownership, etag: randomUUID(), lastModifiedTimeInMs: Date.now() };
      this.ownerships.set(key, next);
      claimed.push({ ...next });
    }
    return claimed;
  }

  async listCheckpoints(fullyQualifiedNamespace: string, eventHubName: string, consumerGroup: string): Promise<Checkpoint[]> {
    return [...this.checkpoints.values()].filter((c) => InMemoryCheckpointStore.inGroup(c, fullyQualifiedNamespace, eventHubName, consumerGroup)).map((c) => ({ ...c }));
  }

  async updateCheckpoint(checkpoint: Checkpoint): Promise<void> {
    this.checkpoints.set(InMemoryCheckpointStore.key(checkpoint), { ...checkpoint });
  }
}

/** One subscription: its readers, by partition. */
class FakeSubscription implements Subscription {
  readonly readers = new Map<string, PartitionReader>();
  private running = true;

  constructor(
    readonly consumer: FakeConsumer,
    readonly handlers: SubscriptionEventHandlers,
    readonly options: SubscribeOptions,
    readonly partitionIds: readonly string[],
    private readonly onClose: (subscription: FakeSubscription) => Promise<void>,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const reader of this.readers.values()) await reader.close(CloseReason.Shutdown);
    this.readers.clear();
    await this.onClose(this);
  }
}

class FakeProducer implements FakeProducerClient {
  private closed = false;

  constructor(private readonly hub: FakeEventHub) {}

  get eventHubName(): string {
    return this.hub.name;
  }

  get fullyQualifiedNamespace(): string {
    return this.hub.namespace;
  }

  async createBatch(options: CreateBatchOptions = {}): Promise<EventDataBatch> {
    this.assertOpen();
    if (options.partitionKey !== undefined && options.partitionId !== undefined) throw new TypeError('partitionId and partitionKey cannot both be set when creating a batch');
    const max = options.maxSizeInBytes ?? this.hub.maxBatchBytes;
    if (max > this.hub.maxBatchBytes) throw new Error(`Max message size (${max} bytes) is greater than maximum message size (${this.hub.maxBatchBytes} bytes) on the AMQP sender link.`);
    return new FakeEventDataBatch(max, options.partitionKey, options.partitionId);
  }

  async sendBatch(batch: EventDataBatch | EventData[] | RawAmqpMessage[], options: SendBatchOptions = {}): Promise<void> {
    this.assertOpen();
    if (Array.isArray(batch)) {
      const events = batch.map(asEventData);
      await this.hub.accept(events, options.partitionKey, options.partitionId);
      return;
    }
    if (!(batch instanceof FakeEventDataBatch)) throw new TypeError('the batch was not made by this hub');
    await this.hub.accept(batch.events, batch.partitionKey, batch.partitionId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  getPartitionIds = async (): Promise<string[]> => this.hub.partitionIds();
  getPartitionProperties = async (partitionId: string): Promise<PartitionProperties> => this.hub.partitionProperties(partitionId);
  getEventHubProperties = async (): Promise<EventHubProperties> => this.hub.properties();

  private assertOpen(): void {
    if (this.closed) throw new MessagingError('The producer client has been closed');
  }
}

class FakeConsumer implements FakeConsumerClient {
  readonly identifier = randomUUID();
  private readonly subscriptions = new Set<FakeSubscription>();

  constructor(
    private readonly hub: FakeEventHub,
    readonly consumerGroup: string,
    readonly checkpointStore: CheckpointStore | undefined,
  ) {}

  get eventHubName(): string {
    return this.hub.name;
  }

  get fullyQualifiedNamespace(): string {
    return this.hub.namespace;
  }

  subscribe(first: SubscriptionEventHandlers | string, second?: SubscriptionEventHandlers | SubscribeOptions, third?: SubscribeOptions): Subscription {
    const onePartition = typeof first === 'string';
    const handlers = (onePartition ? second : first) as SubscriptionEventHandlers;
    const options = (onePartition ? third : second) as SubscribeOptions | undefined;
    const subscription = new FakeSubscription(this, handlers, options ?? {}, onePartition ? [first] : this.hub.partitionIds(), async (closed) => {
      this.subscriptions.delete(closed);
      await this.hub.leave(closed);
    });
    this.subscriptions.add(subscription);
    void this.hub.join(subscription, !onePartition && this.checkpointStore !== undefined);
    return subscription;
  }

  async close(): Promise<void> {
    for (const subscription of [...this.subscriptions]) await subscription.close();
  }

  getPartitionIds = async (): Promise<string[]> => this.hub.partitionIds();
  getPartitionProperties = async (partitionId: string): Promise<PartitionProperties> => this.hub.partitionProperties(partitionId);
  getEventHubProperties = async (): Promise<EventHubProperties> => this.hub.properties();
}

export interface FakeEventHubOptions {
  partitions?: number;
  namespace?: string;
  name?: string;
  /** How long events are kept (the service's message retention). */
  retentionMs?: number;
  maxBatchBytes?: number;
  /** The service's clock: enqueue times and retention. */
  now?: () => number;
}

export class FakeEventHub {
  readonly namespace: string;
  readonly name: string;
  readonly maxBatchBytes: number;
  private readonly partitions: Partition[];
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly createdOn: Date;
  /** Checkpointed subscriptions of each consumer group, in the order they joined: partitions are dealt among them. */
  private readonly balanced = new Map<string, FakeSubscription[]>();
  private readonly rebalancing = new Map<string, Promise<void>>();
  private failures: Error[] = [];
  /** Every `sendBatch` the hub accepted (or refused on purpose). */
  sends = 0;
  readonly consumerGroupsUsed = new Set<string>();

  constructor(options: FakeEventHubOptions = {}) {
    this.namespace = options.namespace ?? 'fake-namespace.servicebus.windows.net';
    this.name = options.name ?? 'ants-pheromones';
    this.maxBatchBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000;
    this.now = options.now ?? Date.now;
    this.createdOn = new Date(this.now());
    this.partitions = Array.from({ length: options.partitions ?? 4 }, (_, i) => new Partition(String(i)));
  }

  producer(): FakeProducerClient {
    return new FakeProducer(this);
  }

  /** A consumer client of the group, as `new EventHubConsumerClient(group, …, checkpointStore?)` makes it. */
  consumer(consumerGroup: string, checkpointStore?: CheckpointStore): FakeConsumerClient {
    this.consumerGroupsUsed.add(consumerGroup);
    return new FakeConsumer(this, consumerGroup, checkpointStore);
  }

  partitionIds(): string[] {
    return this.partitions.map((p) => p.id);
  }

  /** Where the service puts events with this partition key. */
  partitionFor(partitionKey: string): string {
    return String(hashKey(partitionKey) % this.partitions.length);
  }

  /** What a partition holds now, as a reader would receive it. */
  eventsIn(partitionId: string): ReceivedEventData[] {
    return this.partition(partitionId).events.map(received);
  }

  partitionProperties(partitionId: string): PartitionProperties {
    this.applyRetention();
    return this.partition(partitionId).properties(this.name);
  }

  properties(): EventHubProperties {
    return { name: this.name, createdOn: this.createdOn, partitionIds: this.partitionIds(), isGeoDrEnabled: false };
  }

  /** The next `count` sends fail with `error` after the client's retries, and nothing of them is stored. */
  failSends(count: number, error = new MessagingError('the service is busy')): void {
    this.failures.push(...Array.from({ length: count }, () => error));
  }

  /** A retried send whose first attempt did land: the event is stored again, with a new sequence number. */
  redeliver(partitionId: string, sequenceNumber: number): void {
    const original = this.partition(partitionId).events.find((e) => e.sequenceNumber === sequenceNumber);
    if (!original) throw new Error(`partition ${partitionId} holds no event ${sequenceNumber}`);
    this.store(partitionId, [{ ...original, enqueuedTimeUtc: new Date(this.now()) }]);
  }

  async accept(events: EventData[], partitionKey: string | undefined, partitionId: string | undefined): Promise<void> {
    this.sends += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (events.length === 0) return;
    const target = partitionId ?? (partitionKey !== undefined ? this.partitionFor(partitionKey) : String(this.sends % this.partitions.length));
    const enqueuedTimeUtc = new Date(this.now());
    this.store(
      target,
      events.map((e) => ({ body: overTheWire(e.body), properties: overTheWire(e.properties), messageId: e.messageId, contentType: e.contentType, partitionKey: partitionKey ?? null, enqueuedTimeUtc })),
    );
  }

  private store(partitionId: string, events: Omit<StoredEvent, 'sequenceNumber' | 'offset'>[]): void {
    this.applyRetention();
    const partition = this.partition(partitionId);
    for (const event of events) partition.append(event);
    for (const readers of partition.readers.values()) for (const reader of readers) reader.wake();
  }

  private applyRetention(): void {
    for (const partition of this.partitions) partition.dropOlderThan(this.now() - this.retentionMs);
  }

  private partition(partitionId: string): Partition {
    const partition = this.partitions[Number(partitionId)];
    if (!partition || partition.id !== partitionId) throw new MessagingError(`The specified partition is invalid for an EventHub partition sender or receiver: ${partitionId}`);
    return partition;
  }

  async join(subscription: FakeSubscription, balanced: boolean): Promise<void> {
    if (!balanced) {
      const position = subscription.options.startPosition;
      for (const partitionId of subscription.partitionIds) await this.attach(subscription, partitionId, false, this.positionFor(position, partitionId));
      return;
    }
    const group = subscription.consumer.consumerGroup;
    this.balanced.set(group, [...(this.balanced.get(group) ?? []), subscription]);
    await this.rebalance(group);
  }

  async leave(subscription: FakeSubscription): Promise<void> {
    const group = subscription.consumer.consumerGroup;
    const members = this.balanced.get(group);
    if (!members?.includes(subscription)) return;
    this.balanced.set(group, members.filter((m) => m !== subscription));
    await this.rebalance(group);
  }

  private positionFor(position: SubscribeOptions['startPosition'], partitionId: string): EventPosition {
    if (!position) return { offset: '@latest' };
    const isPosition = ['offset', 'sequenceNumber', 'enqueuedOn', 'isInclusive'].some((k) => k in position);
    if (isPosition) return position as EventPosition;
    return (position as Record<string, EventPosition>)[partitionId] ?? { offset: '@latest' };
  }

  /** Deals the group's partitions among its checkpointed subscriptions; one rebalance of a group at a time. */
  private rebalance(group: string): Promise<void> {
    const next = (this.rebalancing.get(group) ?? Promise.resolve()).then(() => this.dealPartitions(group));
    this.rebalancing.set(group, next);
    return next;
  }

  private async dealPartitions(group: string): Promise<void> {
    const members = (this.balanced.get(group) ?? []).filter((m) => m.isRunning);
    for (const [index, partitionId] of this.partitionIds().entries()) {
      const owner = members[index % Math.max(1, members.length)];
      for (const member of members) {
        const reader = member.readers.get(partitionId);
        if (member !== owner && reader) {
          member.readers.delete(partitionId);
          await reader.close(CloseReason.OwnershipLost);
        }
      }
      if (!owner || owner.readers.has(partitionId)) continue;
      const store = owner.consumer.checkpointStore;
      if (!store) continue;
      const { namespace, name } = this;
      const current = (await store.listOwnership(namespace, name, group)).find((o) => o.partitionId === partitionId);
      const claimed = await store.claimOwnership([{ fullyQualifiedNamespace: namespace, eventHubName: name, consumerGroup: group, partitionId, ownerId: owner.consumer.identifier, etag: current?.etag }]);
      if (claimed.length === 0 || !owner.isRunning) continue;
      const checkpoint = (await store.listCheckpoints(namespace, name, group)).find((c) => c.partitionId === partitionId);
      const start: EventPosition = checkpoint ? { sequenceNumber: checkpoint.sequenceNumber, isInclusive: false } : this.positionFor(owner.options.startPosition, partitionId);
      await this.attach(owner, partitionId, true, start);
    }
  }

  private async attach(subscription: FakeSubscription, partitionId: string, exclusive: boolean, position: EventPosition): Promise<void> {
    const partition = this.partition(partitionId);
    const group = subscription.consumer.consumerGroup;
    const store = subscription.consumer.checkpointStore;
    const { namespace, name } = this;
    const context: PartitionContext = {
      fullyQualifiedNamespace: namespace,
      eventHubName: name,
      consumerGroup: group,
      partitionId,
      async updateCheckpoint(event: ReceivedEventData) {
        // Without a store the SDK keeps checkpoints in memory, which no later reader sees.
        await store?.updateCheckpoint({ fullyQualifiedNamespace: namespace, eventHubName: name, consumerGroup: group, partitionId, sequenceNumber: event.sequenceNumber, offset: event.offset });
      },
    };
    const attached = partition.readers.get(group) ?? new Set<PartitionReader>();
    partition.readers.set(group, attached);
    for (const reader of attached) if (reader.closed) attached.delete(reader);
    const refuse = (message: string, code: string) => {
      const error = new MessagingError(message);
      error.code = code;
      return subscription.handlers.processError(error, context);
    };
    if (!exclusive && [...attached].some((r) => r.exclusive)) {
      return refuse(`Receiver with no epoch cannot attach to partition ${partitionId} of consumer group ${group}: an epoch receiver is attached`, 'ReceiverDisconnectedError');
    }
    if (exclusive) {
      for (const reader of [...attached].filter((r) => !r.exclusive)) {
        attached.delete(reader);
        await reader.detach(Object.assign(new MessagingError(`New receiver with epoch 0 attached to partition ${partitionId}: this receiver is disconnected`), { code: 'ReceiverDisconnectedError' }));
      }
    }
    if (attached.size >= MAX_READERS_PER_PARTITION) {
      return refuse(`Exceeded the maximum number of allowed receivers per partition in a consumer group, which is ${MAX_READERS_PER_PARTITION}`, 'QuotaExceededError');
    }
    this.applyRetention();
    const reader = new PartitionReader(partition, exclusive, subscription.handlers, context, partition.firstSequenceAt(position), subscription.options.maxBatchSize ?? 10);
    attached.add(reader);
    subscription.readers.set(partitionId, reader);
    reader.wake();
  }
}
