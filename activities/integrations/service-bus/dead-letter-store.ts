import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { ORIGINAL_MESSAGE_ID, type DeadLetter, type DeadLetterStore } from './ports.js';
import { derivedMessageId, PROPERTIES } from './queues.js';
import { idempotencyKeyOf, messageIdOf } from './received.js';
import type { ServiceBusClientLike } from './sdk-shapes.js';

export interface ServiceBusDeadLetterOptions {
  queues: readonly string[];
  /** How many dead letters a resubmission looks through for the one asked for. */
  maxScan?: number;
}

const DEAD_LETTER = { subQueueType: 'deadLetter' } as const;
const RECEIVE_WAIT_MS = 1_000;
/** Broker-owned properties a dead letter carries; the resubmitted message starts without them. */
const BROKER_PROPERTIES = new Set(['DeadLetterReason', 'DeadLetterErrorDescription']);

export function createServiceBusDeadLetterStore(client: ServiceBusClientLike, options: ServiceBusDeadLetterOptions): DeadLetterStore {
  const maxScan = options.maxScan ?? 1_000;
  return {
    queues: options.queues,

    async list(queue, limit) {
      // A receiver of its own: a peek continues where the receiver's last peek stopped, so a fresh one starts at the oldest.
      const receiver = client.createReceiver(queue, DEAD_LETTER);
      try {
        const peeked = await receiver.peekMessages(limit);
        return peeked.map((message) => describeDeadLetter(queue, message));
      } finally {
        await receiver.close();
      }
    },

    async resubmit(queue, messageId) {
      // Service Bus cannot receive one message by id: receive in order, keeping every other lock until the end, then
      // let them go (abandoning a dead letter leaves it where it is).
      const receiver = client.createReceiver(queue, { ...DEAD_LETTER, receiveMode: 'peekLock' });
      const passedOver: ServiceBusReceivedMessage[] = [];
      try {
        while (passedOver.length < maxScan) {
          const batch = await receiver.receiveMessages(Math.min(50, maxScan - passedOver.length), { maxWaitTimeInMs: RECEIVE_WAIT_MS });
          if (batch.length === 0) return undefined;
          const index = batch.findIndex((message) => messageIdOf(message) === messageId);
          const found = index === -1 ? undefined : batch[index];
          passedOver.push(...batch.filter((_, i) => i !== index));
          if (!found) continue;
          const idempotencyKey = idempotencyKeyOf(found);
          // The same dead letter always gets the same new id: a second resubmission after a crash is a duplicate the
          // broker drops, and even past its window the idempotency key starts nothing new.
          const resubmittedAs = derivedMessageId(idempotencyKey, `resubmit-${found.sequenceNumber?.toString() ?? messageId}`);
          const sender = client.createSender(queue);
          try {
            await sender.sendMessages(resubmission(found, resubmittedAs, idempotencyKey));
          } finally {
            await sender.close();
          }
          await receiver.completeMessage(found);
          return { queue, messageId, resubmittedAs, idempotencyKey };
        }
        return undefined;
      } finally {
        await Promise.allSettled(passedOver.map((message) => receiver.abandonMessage(message)));
        await receiver.close();
      }
    },
  };
}

function resubmission(deadLetter: ServiceBusReceivedMessage, messageId: string, idempotencyKey: string): ServiceBusMessage {
  const properties = Object.fromEntries(Object.entries(deadLetter.applicationProperties ?? {}).filter(([key]) => !BROKER_PROPERTIES.has(key)));
  return {
    body: deadLetter.body,
    messageId,
    applicationProperties: { ...properties, [ORIGINAL_MESSAGE_ID]: idempotencyKey },
    ...(deadLetter.contentType ? { contentType: deadLetter.contentType } : {}),
    ...(deadLetter.sessionId ? { sessionId: deadLetter.sessionId } : {}),
    ...(deadLetter.subject ? { subject: deadLetter.subject } : {}),
    ...(deadLetter.correlationId !== undefined ? { correlationId: deadLetter.correlationId } : {}),
  };
}

function describeDeadLetter(queue: string, message: ServiceBusReceivedMessage): DeadLetter {
  const tenant = message.applicationProperties?.[PROPERTIES.tenant];
  return {
    queue,
    messageId: messageIdOf(message),
    idempotencyKey: idempotencyKeyOf(message),
    sequenceNumber: message.sequenceNumber?.toString() ?? '',
    reason: message.deadLetterReason ?? null,
    description: message.deadLetterErrorDescription ?? null,
    deliveryCount: message.deliveryCount ?? 0,
    enqueuedAt: message.enqueuedTimeUtc?.toISOString() ?? null,
    tenant: typeof tenant === 'string' ? tenant : null,
    sessionId: message.sessionId ?? null,
    subject: message.subject ?? null,
  };
}
