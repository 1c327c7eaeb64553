import { createHash } from 'node:crypto';

/** The Service Bus entities of the Azure profile (created by the infrastructure, not by ANTS). */
export const SERVICE_BUS_QUEUES = {
  /** Task submissions (session-enabled, duplicate detection on). */
  tasks: 'ants-tasks',
  /** Capability requests (session-enabled, duplicate detection on). */
  integrations: 'ants-integrations',
  /** Outcomes of the work the queues started (duplicate detection on). */
  results: 'ants-results',
  /** The bridge's own reminders to publish an outcome (duplicate detection on); read by nobody else. */
  resultWatch: 'ants-results-watch',
} as const;

export const INGRESS_QUEUES = [SERVICE_BUS_QUEUES.tasks, SERVICE_BUS_QUEUES.integrations] as const;

/** Application properties the producers set. */
export const PROPERTIES = { tenant: 'tenant', priority: 'priority' } as const;

/** Service Bus refuses message ids over 128 characters. */
const MAX_MESSAGE_ID = 128;

/**
 * A message id made of a base id and a suffix, the same for the same inputs so the broker's duplicate detection
 * recognises a repeat; hashed when it would be too long.
 */
export function derivedMessageId(base: string, suffix: string): string {
  const id = `${base}:${suffix}`;
  if (id.length <= MAX_MESSAGE_ID) return id;
  return `${createHash('sha256').update(base).digest('hex').slice(0, 40)}:${suffix}`.slice(0, MAX_MESSAGE_ID);
}
