import { randomUUID } from 'node:crypto';
import Long from 'long';
import {
  ServiceBusError,
  type DeadLetterOptions,
  type MessageHandlers,
  type PeekMessagesOptions,
  type ReceiveMessagesOptions,
  type ServiceBusErrorCode,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiverOptions,
  type ServiceBusSessionReceiverOptions,
  type SubscribeOptions,
} from '@azure/service-bus';
import type { SenderLike, ServiceBusClientLike, SessionReceiverLike } from '../../../activities/integrations/service-bus/sdk-shapes.js';

/**
 * An in-process Service Bus namespace with the documented semantics of queues, for tests (Azure is unreachable):
 * peek-lock with lock expiry, delivery counts, dead-lettering at the max delivery count, a dead-letter sub-queue,
 * scheduled messages, sessions held by one receiver at a time, and duplicate detection by message id. It is typed
 * against the SDK's own interfaces (sdk-shapes.ts picks them), so the compiler holds it to the real shapes.
 *
 * Delivery counts are as this SDK reports them: 0 on the first delivery, one more for each delivery that ended
 * without settlement (abandoned, its lock expired, its receiver closed). A message is delivered at most
 * maxDeliveryCount times; the failure of the last one moves it to the dead-letter sub-queue with
 * `MaxDeliveryCountExceeded`.
 */
export interface FakeQueueOptions {
  requiresSession?: boolean;
  /** Service Bus default: 10. */
  maxDeliveryCount?: number;
  /** Service Bus default: 60 s. */
  lockDurationMs?: number;
  /** Duplicate detection window; 0 turns duplicate detection off. Default 10 minutes. */
  duplicateDetectionWindowMs?: number;
}

export interface FakeServiceBusOptions {
  /** How long acceptNextSession waits for a session before it fails with ServiceTimeout (the SDK: its operation timeout, 60 s). */
  acceptSessionTimeoutMs?: number;
  now?: () => number;
}

type Properties = Record<string, string | number | boolean | Date | null>;

interface Lock {
  token: string;
  receiver: FakeReceiver;
  expiresAt: number;
}

interface Stored {
  message: ServiceBusMessage;
  messageId: string;
  sequenceNumber: number;
  /** When it is (or becomes, for a scheduled message) visible to receivers. */
  visibleAt: number;
  scheduled: boolean;
  failedDeliveries: number;
  properties: Properties;
  lock?: Lock;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

interface SessionLock {
  receiver: FakeReceiver;
  expiresAt: number;
}

const POLL_MS = 10;
const DEFAULT_AUTO_RENEW_MS = 5 * 60_000;
const NAMESPACE = 'fake.servicebus.windows.net';

const fail = (code: ServiceBusErrorCode, message: string) => new ServiceBusError(message, code);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

function copyBody(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return Buffer.from(body);
  return body === undefined ? undefined : structuredClone(body);
}

class FakeQueue {
  readonly active: Stored[] = [];
  readonly deadLetters: Stored[] = [];
  readonly sessions = new Map<string, SessionLock>();
  private readonly seen = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly options: Required<FakeQueueOptions>,
    private readonly namespace: FakeServiceBus,
  ) {}

  get now(): number {
    return this.namespace.now();
  }

  accept(message: ServiceBusMessage, scheduledAt?: Date): number {
    if (this.options.requiresSession && !message.sessionId) throw fail('GeneralError', `${this.name} requires sessions: the message has no sessionId`);
    const messageId = message.messageId === undefined ? randomUUID() : String(message.messageId);
    const now = this.now;
    const window = this.options.duplicateDetectionWindowMs;
    const seenAt = this.seen.get(messageId);
    // Within the window a message id is accepted and silently dropped, as the broker does.
    if (window > 0 && seenAt !== undefined && now - seenAt < window) return 0;
    this.seen.set(messageId, now);
    const at = scheduledAt ?? message.scheduledEnqueueTimeUtc;
    const stored: Stored = {
      message: { ...message, body: copyBody(message.body), ...(at ? { scheduledEnqueueTimeUtc: at } : {}) },
      messageId,
      sequenceNumber: this.namespace.nextSequenceNumber(),
      visibleAt: at ? Math.max(now, at.getTime()) : now,
      scheduled: at !== undefined && at.getTime() > now,
      failedDeliveries: 0,
      properties: { ...(message.applicationProperties ?? {}) },
    };
    this.active.push(stored);
    return stored.sequenceNumber;
  }

  /** Lock and session expiry, applied whenever anyone looks. */
  sweep(): void {
    const now = this.now;
    for (const stored of [...this.active]) {
      if (stored.lock && stored.lock.expiresAt <= now) this.failDelivery(stored);
    }
    for (const stored of this.deadLetters) {
      if (stored.lock && stored.lock.expiresAt <= now) stored.lock = undefined;
    }
    for (const [sessionId, lock] of this.sessions) {
      if (lock.expiresAt <= now) this.sessions.delete(sessionId);
    }
  }

  /** A delivery that ended without settlement: counted, and the message dead-lettered once it has had its tries. */
  failDelivery(stored: Stored, properties: Properties = {}): void {
    stored.lock = undefined;
    Object.assign(stored.properties, properties);
    stored.failedDeliveries += 1;
    if (stored.failedDeliveries >= this.options.maxDeliveryCount) {
      this.moveToDeadLetters(stored, 'MaxDeliveryCountExceeded', `Message could not be consumed after ${this.options.maxDeliveryCount} delivery attempts.`);
    }
  }

  moveToDeadLetters(stored: Stored, reason: string | undefined, description: string | undefined, properties: Properties = {}): void {
    const index = this.active.indexOf(stored);
    if (index !== -1) this.active.splice(index, 1);
    stored.lock = undefined;
    Object.assign(stored.properties, properties);
    if (reason !== undefined) {
      stored.deadLetterReason = reason;
      stored.properties.DeadLetterReason = reason;
    }
    if (description !== undefined) {
      stored.deadLetterErrorDescription = description;
      stored.properties.DeadLetterErrorDescription = description;
    }
    this.deadLetters.push(stored);
  }

  available(sessionId: string | undefined, subQueue: boolean): Stored[] {
    const now = this.now;
    const from = subQueue ? this.deadLetters : this.active;
    return from
      .filter((stored) => !stored.lock && (subQueue || stored.visibleAt <= now) && (sessionId === undefined || stored.message.sessionId === sessionId))
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  }

  sessionHolder(sessionId: string): FakeReceiver | undefined {
    this.sweep();
    return this.sessions.get(sessionId)?.receiver;
  }
}

class FakeReceiver implements SessionReceiverLike {
  readonly receiveMode = 'peekLock' as const;
  isClosed = false;
  private peekCursor = 0;
  private readonly autoRenewMs: number;
  private readonly lockedAt: number;

  constructor(
    private readonly queue: FakeQueue,
    private readonly subQueue: boolean,
    private readonly session: string | undefined,
    autoRenewMs: number | undefined,
    private readonly onClose: (receiver: FakeReceiver) => void,
  ) {
    this.autoRenewMs = autoRenewMs ?? DEFAULT_AUTO_RENEW_MS;
    this.lockedAt = queue.now;
  }

  get entityPath(): string {
    return this.subQueue ? `${this.queue.name}/$DeadLetterQueue` : this.queue.name;
  }

  get sessionId(): string {
    if (this.session === undefined) throw fail('GeneralError', 'not a session receiver');
    return this.session;
  }

  get sessionLockedUntilUtc(): Date {
    return new Date(this.queue.sessions.get(this.sessionId)?.expiresAt ?? 0);
  }

  /** The SDK renews locks by itself while they are held, up to maxAutoLockRenewalDurationInMs. */
  lockExpiry(from: number): number {
    return Math.max(from + this.queue.options.lockDurationMs, from + this.autoRenewMs);
  }

  private checkOpen(): void {
    if (this.isClosed) throw fail('GeneralError', `the receiver for ${this.entityPath} is closed`);
  }

  private checkSession(): void {
    if (this.session === undefined) return;
    if (this.queue.sessionHolder(this.session) !== this) throw fail('SessionLockLost', `the lock on session ${this.session} was lost`);
  }

  async receiveMessages(maxMessageCount: number, options?: ReceiveMessagesOptions): Promise<ServiceBusReceivedMessage[]> {
    this.checkOpen();
    if (this.queue.options.requiresSession && !this.subQueue && this.session === undefined) {
      throw fail('GeneralError', `${this.queue.name} requires sessions: accept a session to receive from it`);
    }
    const deadline = this.queue.now + (options?.maxWaitTimeInMs ?? 60_000);
    for (;;) {
      if (options?.abortSignal?.aborted) throw abortError();
      this.checkOpen();
      this.queue.sweep();
      this.checkSession();
      const batch = this.queue.available(this.session, this.subQueue).slice(0, maxMessageCount);
      if (batch.length > 0) {
        const now = this.queue.now;
        return batch.map((stored) => {
          stored.lock = { token: randomUUID(), receiver: this, expiresAt: this.lockExpiry(now) };
          if (stored.scheduled) stored.scheduled = false;
          return this.toReceived(stored);
        });
      }
      if (this.queue.now >= deadline) return [];
      await sleep(POLL_MS);
    }
  }

  async peekMessages(maxMessageCount: number, options?: PeekMessagesOptions): Promise<ServiceBusReceivedMessage[]> {
    this.checkOpen();
    this.queue.sweep();
    if (options?.fromSequenceNumber) this.peekCursor = options.fromSequenceNumber.toNumber();
    const from = this.subQueue ? this.queue.deadLetters : this.queue.active;
    const peeked = from
      .filter((stored) => stored.sequenceNumber >= this.peekCursor && (this.session === undefined || stored.message.sessionId === this.session))
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, maxMessageCount);
    const last = peeked.at(-1);
    if (last) this.peekCursor = last.sequenceNumber + 1;
    return peeked.map((stored) => this.toReceived(stored, false));
  }

  private held(message: ServiceBusReceivedMessage): Stored {
    this.checkOpen();
    this.queue.sweep();
    const from = this.subQueue ? this.queue.deadLetters : this.queue.active;
    const stored = from.find((candidate) => candidate.lock !== undefined && candidate.lock.token === message.lockToken);
    if (!stored || stored.lock?.receiver !== this) {
      throw fail(this.session === undefined ? 'MessageLockLost' : 'SessionLockLost', `the lock on message ${String(message.messageId)} was lost`);
    }
    this.checkSession();
    return stored;
  }

  async completeMessage(message: ServiceBusReceivedMessage): Promise<void> {
    const stored = this.held(message);
    const from = this.subQueue ? this.queue.deadLetters : this.queue.active;
    from.splice(from.indexOf(stored), 1);
  }

  async abandonMessage(message: ServiceBusReceivedMessage, propertiesToModify?: Properties): Promise<void> {
    const stored = this.held(message);
    if (this.subQueue) {
      // The dead-letter sub-queue has no further dead-lettering: the message just becomes available again.
      stored.lock = undefined;
      stored.failedDeliveries += 1;
      Object.assign(stored.properties, propertiesToModify ?? {});
      return;
    }
    this.queue.failDelivery(stored, propertiesToModify);
  }

  async deadLetterMessage(message: ServiceBusReceivedMessage, options?: DeadLetterOptions & Properties): Promise<void> {
    const stored = this.held(message);
    if (this.subQueue) throw fail('GeneralError', 'a dead letter cannot be dead-lettered again');
    const { deadLetterReason, deadLetterErrorDescription, ...properties } = options ?? {};
    this.queue.moveToDeadLetters(stored, deadLetterReason, deadLetterErrorDescription, properties);
  }

  async renewMessageLock(message: ServiceBusReceivedMessage): Promise<Date> {
    const stored = this.held(message);
    if (!stored.lock) throw fail('MessageLockLost', 'no lock');
    stored.lock.expiresAt = this.queue.now + this.queue.options.lockDurationMs;
    return new Date(stored.lock.expiresAt);
  }

  async renewSessionLock(): Promise<Date> {
    this.checkOpen();
    this.checkSession();
    const lock = this.queue.sessions.get(this.sessionId);
    if (!lock) throw fail('SessionLockLost', `the lock on session ${this.sessionId} was lost`);
    lock.expiresAt = this.queue.now + this.queue.options.lockDurationMs;
    return new Date(lock.expiresAt);
  }

  subscribe(handlers: MessageHandlers, options?: SubscribeOptions): { close(): Promise<void> } {
    let stopped = false;
    const autoComplete = options?.autoCompleteMessages !== false;
    const report = (error: unknown, errorSource: 'receive' | 'processMessageCallback' | 'complete' | 'abandon') =>
      handlers.processError({ error: error instanceof Error ? error : new Error(String(error)), errorSource, entityPath: this.entityPath, fullyQualifiedNamespace: NAMESPACE, identifier: 'fake' });
    const loop = async () => {
      while (!stopped && !this.isClosed) {
        let message: ServiceBusReceivedMessage | undefined;
        try {
          [message] = await this.receiveMessages(1, { maxWaitTimeInMs: 100 });
        } catch (error) {
          if (!stopped) await report(error, 'receive');
          continue;
        }
        if (!message) continue;
        try {
          await handlers.processMessage(message);
          if (autoComplete) await this.completeMessage(message).catch((error: unknown) => report(error, 'complete'));
        } catch (error) {
          await report(error, 'processMessageCallback');
          if (autoComplete) await this.abandonMessage(message).catch((failure: unknown) => report(failure, 'abandon'));
        }
      }
    };
    void loop();
    return {
      close: async () => {
        stopped = true;
      },
    };
  }

  /** Closing the link lets go of the session and of every message still locked by it (each a failed delivery). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const stored of [...this.queue.active]) {
      if (stored.lock?.receiver === this) this.queue.failDelivery(stored);
    }
    for (const stored of this.queue.deadLetters) {
      if (stored.lock?.receiver === this) stored.lock = undefined;
    }
    if (this.session !== undefined && this.queue.sessions.get(this.session)?.receiver === this) this.queue.sessions.delete(this.session);
    this.onClose(this);
  }

  private toReceived(stored: Stored, locked = true): ServiceBusReceivedMessage {
    const body = copyBody(stored.message.body);
    const applicationProperties = { ...stored.properties };
    const message: ServiceBusReceivedMessage = {
      ...stored.message,
      body,
      messageId: stored.messageId,
      applicationProperties,
      deliveryCount: stored.failedDeliveries,
      enqueuedTimeUtc: new Date(stored.visibleAt),
      sequenceNumber: Long.fromNumber(stored.sequenceNumber),
      state: stored.scheduled && stored.visibleAt > this.queue.now ? 'scheduled' : 'active',
      ...(locked && stored.lock ? { lockToken: stored.lock.token, lockedUntilUtc: new Date(stored.lock.expiresAt) } : {}),
      ...(stored.deadLetterReason !== undefined ? { deadLetterReason: stored.deadLetterReason } : {}),
      ...(stored.deadLetterErrorDescription !== undefined ? { deadLetterErrorDescription: stored.deadLetterErrorDescription } : {}),
      _rawAmqpMessage: { body, bodyType: 'value', applicationProperties },
    };
    return message;
  }
}

class FakeSender implements SenderLike {
  isClosed = false;

  constructor(private readonly queue: FakeQueue) {}

  get entityPath(): string {
    return this.queue.name;
  }

  async sendMessages(messages: Parameters<SenderLike['sendMessages']>[0]): Promise<void> {
    if (this.isClosed) throw fail('GeneralError', 'the sender is closed');
    for (const message of toMessages(messages)) this.queue.accept(message);
  }

  async scheduleMessages(messages: Parameters<SenderLike['scheduleMessages']>[0], scheduledEnqueueTimeUtc: Date): Promise<Long[]> {
    if (this.isClosed) throw fail('GeneralError', 'the sender is closed');
    return toMessages(messages).map((message) => Long.fromNumber(this.queue.accept(message, scheduledEnqueueTimeUtc)));
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}

/** The fake takes plain messages (what the adapters send); batches and raw AMQP messages are refused loudly. */
function toMessages(messages: Parameters<SenderLike['sendMessages']>[0]): ServiceBusMessage[] {
  const list = Array.isArray(messages) ? messages : [messages];
  return list.map((message) => {
    if ('tryAddMessage' in message || 'bodyType' in message) throw new Error('the fake Service Bus accepts ServiceBusMessage objects only');
    return message as ServiceBusMessage;
  });
}

export class FakeServiceBus {
  private readonly queues = new Map<string, FakeQueue>();
  private sequence = 0;
  private readonly receivers = new Set<FakeReceiver>();
  readonly now: () => number;
  private readonly acceptTimeoutMs: number;

  constructor(queues: Record<string, FakeQueueOptions>, options: FakeServiceBusOptions = {}) {
    this.now = options.now ?? Date.now;
    this.acceptTimeoutMs = options.acceptSessionTimeoutMs ?? 60_000;
    for (const [name, queue] of Object.entries(queues)) {
      this.queues.set(name, new FakeQueue(name, { requiresSession: false, maxDeliveryCount: 10, lockDurationMs: 60_000, duplicateDetectionWindowMs: 10 * 60_000, ...queue }, this));
    }
  }

  nextSequenceNumber(): number {
    this.sequence += 1;
    return this.sequence;
  }

  private queue(name: string): FakeQueue {
    const queue = this.queues.get(name);
    if (!queue) throw fail('MessagingEntityNotFound', `no queue ${name}`);
    return queue;
  }

  private track(receiver: FakeReceiver): FakeReceiver {
    this.receivers.add(receiver);
    return receiver;
  }

  private forget = (receiver: FakeReceiver) => {
    this.receivers.delete(receiver);
  };

  /** A client over this namespace; each behaves as its own connection (closing it closes its receivers only). */
  client(): ServiceBusClientLike {
    const mine = new Set<FakeReceiver | FakeSender>();
    const own = <T extends FakeReceiver | FakeSender>(link: T): T => {
      mine.add(link);
      return link;
    };
    const lockSession = (queue: FakeQueue, sessionId: string, options: ServiceBusSessionReceiverOptions | undefined): FakeReceiver => {
      const receiver = this.track(new FakeReceiver(queue, false, sessionId, options?.maxAutoLockRenewalDurationInMs, this.forget));
      queue.sessions.set(sessionId, { receiver, expiresAt: receiver.lockExpiry(this.now()) });
      return own(receiver);
    };
    return {
      createSender: (queueName) => own(new FakeSender(this.queue(queueName))),
      createReceiver: (queueName, options?: ServiceBusReceiverOptions) => {
        if (options?.receiveMode === 'receiveAndDelete') throw new Error('the fake Service Bus supports peekLock only');
        const subQueue = options?.subQueueType === 'deadLetter';
        if (options?.subQueueType === 'transferDeadLetter') throw new Error('the fake Service Bus has no transfer dead-letter queue');
        return own(this.track(new FakeReceiver(this.queue(queueName), subQueue, undefined, options?.maxAutoLockRenewalDurationInMs, this.forget)));
      },
      acceptSession: async (queueName, sessionId, options) => {
        const queue = this.queue(queueName);
        if (!queue.options.requiresSession) throw fail('GeneralError', `${queueName} is not session-enabled`);
        if (queue.sessionHolder(sessionId)) throw fail('SessionCannotBeLocked', `session ${sessionId} is locked by another receiver`);
        return lockSession(queue, sessionId, options);
      },
      acceptNextSession: async (queueName, options) => {
        const queue = this.queue(queueName);
        if (!queue.options.requiresSession) throw fail('GeneralError', `${queueName} is not session-enabled`);
        const deadline = this.now() + this.acceptTimeoutMs;
        for (;;) {
          if (options?.abortSignal?.aborted) throw abortError();
          queue.sweep();
          // The free session whose next message has waited longest.
          const next = queue.available(undefined, false).find((stored) => stored.message.sessionId !== undefined && !queue.sessions.has(stored.message.sessionId));
          if (next?.message.sessionId !== undefined) return lockSession(queue, next.message.sessionId, options);
          if (this.now() >= deadline) throw fail('ServiceTimeout', 'no session became available in time');
          await sleep(POLL_MS);
        }
      },
      close: async () => {
        await Promise.all([...mine].map((link) => link.close()));
      },
    };
  }

  /** Test inspection, never used by the code under test. */
  inspect(queueName: string) {
    const queue = this.queue(queueName);
    queue.sweep();
    const view = (stored: Stored) => ({
      messageId: stored.messageId,
      sessionId: stored.message.sessionId,
      body: stored.message.body as unknown,
      subject: stored.message.subject,
      correlationId: stored.message.correlationId,
      properties: { ...stored.properties },
      deliveryCount: stored.failedDeliveries,
      deadLetterReason: stored.deadLetterReason,
      deadLetterErrorDescription: stored.deadLetterErrorDescription,
      scheduled: stored.visibleAt > this.now(),
      locked: stored.lock !== undefined,
    });
    return { messages: queue.active.map(view), deadLetters: queue.deadLetters.map(view) };
  }
}
