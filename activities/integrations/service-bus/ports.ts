/**
 * Task ingress and egress, as ports. In the local profile the API and CLI start workflows directly, so the inbox
 * delivers nothing and there are no dead letters; on Azure, Service Bus queues feed the same start path (see
 * service-bus-inbox.ts, dead-letter-store.ts, result-watcher.ts).
 */

/** Application properties as the broker carries them. */
export type MessageProperties = Record<string, string | number | boolean | Date | null>;

/** The property a resubmitted message carries: the id of the message it stands for, which stays its idempotency key. */
export const ORIGINAL_MESSAGE_ID = 'originalMessageId';

export interface InboundMessage {
  /** The queue it came from (e.g. `ants-tasks`, `ants-integrations`). */
  queue: string;
  messageId: string;
  /**
   * What starts the work once: the message id, or for a resubmitted dead letter the id of the message it stands for,
   * so a resubmission never starts a second workflow.
   */
  idempotencyKey: string;
  /** As the broker decoded it: an object for JSON sent as an object, else a string or bytes (decoded by the bridge). */
  body: unknown;
  properties: MessageProperties;
  sessionId?: string;
  /** Earlier deliveries that ended without settlement (abandoned, or the lock expired). */
  deliveryCount: number;
  enqueuedAt?: Date;
}

/** What happens to a message once its handler is done. */
export type Disposition =
  /** The work is durably started (or had been): the message is removed. */
  | { kind: 'complete' }
  /** A transient failure (Temporal unreachable): the broker delivers it again, up to its max delivery count. */
  | { kind: 'retry'; reason: string }
  /** The message can never succeed (bad JSON, invalid submission): dead-lettered at once, never retried. */
  | { kind: 'reject'; reason: string; description: string };

export type InboxHandler = (message: InboundMessage) => Promise<Disposition>;

export interface TaskInbox {
  /**
   * Hands every message to the handler and settles it by the disposition, until the signal aborts; resolves once
   * the messages in hand are settled. Messages of one session are handed over strictly one after another, in order.
   */
  run(handler: InboxHandler, signal: AbortSignal): Promise<void>;
}

/** A started workflow whose outcome is to be published as a reply. */
export interface ReplyRequest {
  workflowId: string;
  /** The reply's correlation id: the idempotency key of the message that started the work. */
  correlationId: string;
  kind: 'task' | 'capability';
  tenant: string;
}

export interface ReplyOutbox {
  /** Durable once it resolves: the reply is published when the workflow closes, even across restarts. Idempotent. */
  watch(request: ReplyRequest): Promise<void>;
}

export interface DeadLetter {
  queue: string;
  messageId: string;
  idempotencyKey: string;
  sequenceNumber: string;
  reason: string | null;
  description: string | null;
  deliveryCount: number;
  enqueuedAt: string | null;
  tenant: string | null;
  sessionId: string | null;
  subject: string | null;
}

export interface Resubmitted {
  queue: string;
  /** The dead letter's id. */
  messageId: string;
  /** The id of the message sent to the queue in its place. */
  resubmittedAs: string;
  idempotencyKey: string;
}

export interface DeadLetterStore {
  /** The queues whose dead letters this store knows. */
  readonly queues: readonly string[];
  /** The oldest dead letters first, without receiving them (a peek: nothing is locked or removed). */
  list(queue: string, limit: number): Promise<DeadLetter[]>;
  /**
   * Sends the dead letter's body and properties to its queue under a new message id (the original id carried along),
   * then removes the dead letter; undefined when there is no such dead letter. A crash between the two leaves the
   * dead letter in place, and resubmitting it again is harmless: the new id is the same, and so is the idempotency key.
   */
  resubmit(queue: string, messageId: string): Promise<Resubmitted | undefined>;
}

/** What the bridge asks of the application: the API's own start paths, called with the message's tenant. */
export interface IngressCall {
  tenant: string;
  /** Who the work is recorded as requested by, e.g. `service-bus:ants-tasks`. */
  requestedBy: string;
  body: Record<string, unknown>;
}

export type IngressAnswer =
  | { accepted: true; workflowId: string; created: boolean }
  /** Refused for good (the API's 4xx): the message is poison. */
  | { accepted: false; status: number; code: string; message: string };

export interface IngressTargets {
  /** Throws on transient failures (Temporal unreachable, the API's 5xx). */
  submitTask(call: IngressCall): Promise<IngressAnswer>;
  requestCapability(call: IngressCall): Promise<IngressAnswer>;
}
