import type {
  ServiceBusClient,
  ServiceBusReceiver,
  ServiceBusReceiverOptions,
  ServiceBusSender,
  ServiceBusSessionReceiver,
  ServiceBusSessionReceiverOptions,
} from '@azure/service-bus';

/**
 * The part of the Service Bus SDK the adapters use, cut from the SDK's own types with Pick<> so that anything
 * implementing these (the real client, or the in-process fake the tests use) has exactly the SDK's shapes.
 */
export type ReceiverLike = Pick<
  ServiceBusReceiver,
  'entityPath' | 'isClosed' | 'receiveMessages' | 'subscribe' | 'peekMessages' | 'completeMessage' | 'abandonMessage' | 'deadLetterMessage' | 'renewMessageLock' | 'close'
>;

export type SessionReceiverLike = ReceiverLike & Pick<ServiceBusSessionReceiver, 'sessionId' | 'sessionLockedUntilUtc' | 'renewSessionLock'>;

export type SenderLike = Pick<ServiceBusSender, 'entityPath' | 'isClosed' | 'sendMessages' | 'scheduleMessages' | 'close'>;

export interface ServiceBusClientLike {
  createSender(queueName: string): SenderLike;
  createReceiver(queueName: string, options?: ServiceBusReceiverOptions): ReceiverLike;
  acceptNextSession(queueName: string, options?: ServiceBusSessionReceiverOptions): Promise<SessionReceiverLike>;
  acceptSession(queueName: string, sessionId: string, options?: ServiceBusSessionReceiverOptions): Promise<SessionReceiverLike>;
  close(): Promise<void>;
}

/** The compiler's proof that the real client fits: if the SDK changes a shape we rely on, this stops compiling. */
export function asClientLike(client: ServiceBusClient): ServiceBusClientLike {
  return client;
}
