import { z } from 'zod';
import type { IngressLog } from './log.js';
import { describeError, stderrLog } from './log.js';
import type { Disposition, ReplyOutbox, ReplyRequest, TaskInbox } from './ports.js';
import { derivedMessageId, SERVICE_BUS_QUEUES } from './queues.js';
import { replyContent } from './reply-summary.js';
import type { ServiceBusClientLike } from './sdk-shapes.js';
import { createServiceBusInbox } from './service-bus-inbox.js';
import type { WorkflowOutcomes } from './workflow-outcomes.js';

/**
 * Replies survive restarts because the intent to reply is itself a message: before an ingress message is completed,
 * a ticket naming the workflow goes to the watch queue. The watcher takes a ticket, asks Temporal how the workflow
 * stands, and either publishes the reply (then completes the ticket) or schedules the next ticket for later (then
 * completes this one). A crash anywhere leaves a ticket to be delivered again; every message it sends has an id
 * derived from the ticket, so the broker's duplicate detection drops repeats and a reply is published once.
 */
export interface ResultWatcherOptions {
  outcomes: WorkflowOutcomes;
  /** First and longest wait between two looks at a running workflow (doubling in between). */
  firstPollMs?: number;
  maxPollMs?: number;
  concurrency?: number;
  retryDelayMs?: number;
  queues?: { watch: string; results: string };
  log?: IngressLog;
}

const ticketSchema = z.object({
  workflowId: z.string().min(1),
  correlationId: z.string().min(1),
  kind: z.enum(['task', 'capability']),
  tenant: z.string().min(1),
  attempt: z.number().int().min(0),
});
type Ticket = z.infer<typeof ticketSchema>;

export interface ResultWatcher {
  readonly outbox: ReplyOutbox;
  run(signal: AbortSignal): Promise<void>;
}

export function createResultWatcher(client: ServiceBusClientLike, options: ResultWatcherOptions): ResultWatcher {
  const queues = options.queues ?? { watch: SERVICE_BUS_QUEUES.resultWatch, results: SERVICE_BUS_QUEUES.results };
  const firstPollMs = options.firstPollMs ?? 1_000;
  const maxPollMs = options.maxPollMs ?? 60_000;
  const log = options.log ?? stderrLog;
  const watchSender = client.createSender(queues.watch);
  const resultSender = client.createSender(queues.results);

  function ticketMessage(ticket: Ticket) {
    return { messageId: derivedMessageId(ticket.correlationId, `watch-${ticket.kind}-${ticket.attempt}`), body: ticket, contentType: 'application/json' };
  }

  async function publish(ticket: Ticket, content: ReturnType<typeof replyContent>): Promise<void> {
    await resultSender.sendMessages({
      messageId: derivedMessageId(ticket.correlationId, ticket.kind === 'task' ? 'result' : 'capability-result'),
      correlationId: ticket.correlationId,
      subject: content.subject,
      contentType: 'application/json',
      body: content.body,
      applicationProperties: { tenant: ticket.tenant, workflowId: ticket.workflowId },
    });
  }

  async function handleTicket(body: unknown): Promise<Disposition> {
    const parsed = ticketSchema.safeParse(body);
    if (!parsed.success) return { kind: 'reject', reason: 'InvalidTicket', description: parsed.error.message };
    const ticket = parsed.data;
    try {
      const outcome = await options.outcomes.outcomeOf(ticket.workflowId);
      if (outcome.state === 'running') {
        const next = { ...ticket, attempt: ticket.attempt + 1 };
        const waitMs = Math.min(maxPollMs, firstPollMs * 2 ** Math.min(ticket.attempt, 20));
        await watchSender.scheduleMessages(ticketMessage(next), new Date(Date.now() + waitMs));
        return { kind: 'complete' };
      }
      await publish(ticket, replyContent(ticket, outcome));
      return { kind: 'complete' };
    } catch (error) {
      return { kind: 'retry', reason: describeError(error) };
    }
  }

  const inbox: TaskInbox = createServiceBusInbox(client, {
    queue: queues.watch,
    sessions: false,
    concurrency: options.concurrency ?? 4,
    retryDelayMs: options.retryDelayMs,
    log,
  });

  return {
    outbox: {
      async watch(request: ReplyRequest) {
        await watchSender.sendMessages(ticketMessage({ ...request, attempt: 0 }));
      },
    },
    async run(signal) {
      try {
        await inbox.run((message) => handleTicket(message.body), signal);
      } finally {
        await Promise.allSettled([watchSender.close(), resultSender.close()]);
      }
    },
  };
}
