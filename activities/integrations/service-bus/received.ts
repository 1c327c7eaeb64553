import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { ORIGINAL_MESSAGE_ID, type InboundMessage, type MessageProperties } from './ports.js';

/** Service Bus keeps dead-letter descriptions short; longer ones are cut rather than refused. */
const MAX_DESCRIPTION = 1024;

export function messageIdOf(message: Pick<ServiceBusReceivedMessage, 'messageId'>): string {
  const id = message.messageId;
  if (id === undefined) return '';
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : id.toString('utf8');
}

/** The message id, or the original id a resubmitted message carries (see dead-letter-store.ts). */
export function idempotencyKeyOf(message: Pick<ServiceBusReceivedMessage, 'messageId' | 'applicationProperties'>): string {
  const original = message.applicationProperties?.[ORIGINAL_MESSAGE_ID];
  return typeof original === 'string' && original !== '' ? original : messageIdOf(message);
}

export function toInbound(queue: string, message: ServiceBusReceivedMessage): InboundMessage {
  const properties: MessageProperties = { ...(message.applicationProperties ?? {}) };
  return {
    queue,
    messageId: messageIdOf(message),
    idempotencyKey: idempotencyKeyOf(message),
    body: message.body,
    properties,
    ...(message.sessionId ? { sessionId: message.sessionId } : {}),
    deliveryCount: message.deliveryCount ?? 0,
    ...(message.enqueuedTimeUtc ? { enqueuedAt: message.enqueuedTimeUtc } : {}),
  };
}

export function shortDescription(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}
