import { isServiceBusError, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { describeError, pause, stderrLog, type IngressLog } from './log.js';
import type { Disposition, InboxHandler, TaskInbox } from './ports.js';
import { shortDescription, toInbound } from './received.js';
import type { ReceiverLike, ServiceBusClientLike } from './sdk-shapes.js';

export interface ServiceBusInboxOptions {
  queue: string;
  /** A session-enabled queue: each session's messages one at a time and in order, sessions in parallel. */
  sessions: boolean;
  /** Sessions held at once (session queues), or messages in hand at once (plain queues). */
  concurrency?: number;
  /** A session with nothing to deliver for this long is let go, so other sessions get their turn. */
  sessionIdleMs?: number;
  /**
   * How long a message that failed for a transient reason is held before it is abandoned: Service Bus redelivers an
   * abandoned message at once, which would spend its delivery count in milliseconds while Temporal is down. Holding it
   * (the lock is renewed) also keeps its session's later messages behind it, so the order holds.
   */
  retryDelayMs?: number;
  /** Lock renewal while a message or session is in hand (the SDK renews automatically up to this long). */
  maxLockRenewalMs?: number;
  log?: IngressLog;
}

const DEFAULTS = { concurrency: 8, sessionIdleMs: 5_000, retryDelayMs: 5_000, maxLockRenewalMs: 5 * 60_000 };
/** After an unexpected receive failure (network, throttling): wait before trying again. */
const RECEIVE_BACKOFF_MS = 1_000;

export function createServiceBusInbox(client: ServiceBusClientLike, options: ServiceBusInboxOptions): TaskInbox {
  const settings = { ...DEFAULTS, log: stderrLog, ...definedOnly(options), queue: options.queue, sessions: options.sessions };
  const { queue, log } = settings;

  async function deliver(receiver: ReceiverLike, message: ServiceBusReceivedMessage, handler: InboxHandler, signal: AbortSignal): Promise<void> {
    const inbound = toInbound(queue, message);
    const disposition = await handler(inbound).catch((error: unknown): Disposition => ({ kind: 'retry', reason: `handler failed: ${describeError(error)}` }));
    try {
      switch (disposition.kind) {
        case 'complete':
          return await receiver.completeMessage(message);
        case 'retry':
          log.warn('message will be delivered again', { queue, messageId: inbound.messageId, deliveryCount: inbound.deliveryCount, reason: disposition.reason });
          await pause(settings.retryDelayMs, signal);
          return await receiver.abandonMessage(message);
        case 'reject':
          return await receiver.deadLetterMessage(message, { deadLetterReason: disposition.reason, deadLetterErrorDescription: shortDescription(disposition.description) });
      }
    } catch (error) {
      // The lock was lost (or the link dropped): the broker delivers the message again, and the work is idempotent.
      log.warn('could not settle a message', { queue, messageId: inbound.messageId, disposition: disposition.kind, error: describeError(error) });
    }
  }

  /** One message at a time from this receiver until it is idle (sessions) or the signal aborts. */
  async function drain(receiver: ReceiverLike, handler: InboxHandler, signal: AbortSignal, stopWhenIdle: boolean): Promise<void> {
    while (!signal.aborted) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: settings.sessionIdleMs, abortSignal: signal });
      if (!message) {
        if (stopWhenIdle) return;
        continue;
      }
      await deliver(receiver, message, handler, signal);
    }
  }

  async function sessionLoop(handler: InboxHandler, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let receiver;
      try {
        receiver = await client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: settings.maxLockRenewalMs, abortSignal: signal });
      } catch (error) {
        if (signal.aborted) return;
        // No session with messages right now (or another receiver holds it): the normal way of waiting for work.
        if (isServiceBusError(error) && (error.code === 'ServiceTimeout' || error.code === 'SessionCannotBeLocked')) continue;
        log.warn('could not accept a session', { queue, error: describeError(error) });
        await pause(RECEIVE_BACKOFF_MS, signal);
        continue;
      }
      try {
        await drain(receiver, handler, signal, true);
      } catch (error) {
        if (!signal.aborted) log.warn('session receive failed', { queue, sessionId: receiver.sessionId, error: describeError(error) });
      } finally {
        await receiver.close().catch(() => undefined);
      }
    }
  }

  async function plainLoop(receiver: ReceiverLike, handler: InboxHandler, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await drain(receiver, handler, signal, false);
      } catch (error) {
        if (signal.aborted) return;
        log.warn('receive failed', { queue, error: describeError(error) });
        await pause(RECEIVE_BACKOFF_MS, signal);
      }
    }
  }

  return {
    async run(handler, signal) {
      const loops = Array.from({ length: settings.concurrency });
      if (settings.sessions) {
        await Promise.all(loops.map(() => sessionLoop(handler, signal)));
        return;
      }
      const receiver = client.createReceiver(queue, { receiveMode: 'peekLock', maxAutoLockRenewalDurationInMs: settings.maxLockRenewalMs });
      try {
        await Promise.all(loops.map(() => plainLoop(receiver, handler, signal)));
      } finally {
        await receiver.close().catch(() => undefined);
      }
    },
  };
}

/** Options left undefined keep their defaults. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
