import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ServiceBusSettings } from './client-factory.js';
import { createServiceBusDeadLetterStore } from './dead-letter-store.js';
import { createInProcessApi } from './in-process-api.js';
import { createIngressHandler } from './ingress-handler.js';
import { describeError, stderrLog, type IngressLog } from './log.js';
import type { DeadLetterStore, IngressTargets } from './ports.js';
import { INGRESS_QUEUES } from './queues.js';
import { createResultWatcher } from './result-watcher.js';
import type { ServiceBusClientLike } from './sdk-shapes.js';
import { createServiceBusInbox } from './service-bus-inbox.js';
import type { WorkflowOutcomes } from './workflow-outcomes.js';
import { temporalOutcomes } from './workflow-outcomes.js';

export interface TaskIngressDeps {
  client: ServiceBusClientLike;
  targets: IngressTargets;
  outcomes: WorkflowOutcomes;
  maxSessions?: number;
  retryDelayMs?: number;
  sessionIdleMs?: number;
  firstPollMs?: number;
  maxPollMs?: number;
  log?: IngressLog;
}

export interface RunningIngress {
  /** Stops taking messages, settles those in hand, then resolves. */
  stop(): Promise<void>;
}

/**
 * The bridge as a long-running loop of the process that hosts it (the integrations pool), not a Temporal activity:
 * it reads both ingress queues (session-enabled) and the result watcher's queue until stopped.
 */
export function startTaskIngress(deps: TaskIngressDeps): RunningIngress {
  const abort = new AbortController();
  const log = deps.log ?? stderrLog;
  const watcher = createResultWatcher(deps.client, { outcomes: deps.outcomes, firstPollMs: deps.firstPollMs, maxPollMs: deps.maxPollMs, retryDelayMs: deps.retryDelayMs, log });
  const handler = createIngressHandler({ targets: deps.targets, replies: watcher.outbox });
  const inboxes = INGRESS_QUEUES.map((queue) =>
    createServiceBusInbox(deps.client, { queue, sessions: true, concurrency: deps.maxSessions, retryDelayMs: deps.retryDelayMs, sessionIdleMs: deps.sessionIdleMs, log }),
  );
  const runs = [...inboxes.map((inbox) => inbox.run(handler, abort.signal)), watcher.run(abort.signal)].map((run) =>
    run.catch((error: unknown) => log.warn('an ingress loop stopped', { error: describeError(error) })),
  );
  return {
    async stop() {
      abort.abort();
      await Promise.all(runs);
    },
  };
}

/**
 * What the integrations pool starts in the Service Bus profile: the bridge with its own Service Bus client, the API's
 * task and capability routes in-process, and Temporal for the outcomes.
 */
export function startServiceBusIngress(options: {
  client: ServiceBusClientLike;
  settings: Pick<ServiceBusSettings, 'ANTS_SERVICEBUS_MAX_SESSIONS' | 'ANTS_SERVICEBUS_RETRY_DELAY_MS'>;
  temporal: Client;
  registerRoutes: (scope: FastifyInstance) => void;
  log?: IngressLog;
}): RunningIngress {
  const api = createInProcessApi(options.registerRoutes);
  const ingress = startTaskIngress({
    client: options.client,
    targets: api,
    outcomes: temporalOutcomes(options.temporal),
    maxSessions: options.settings.ANTS_SERVICEBUS_MAX_SESSIONS,
    retryDelayMs: options.settings.ANTS_SERVICEBUS_RETRY_DELAY_MS,
    log: options.log,
  });
  return {
    async stop() {
      await ingress.stop();
      await api.close();
    },
  };
}

/** The dead letters of the Service Bus profile; the client is made on first use (the API may never be asked). */
export function serviceBusDeadLetters(connect: () => ServiceBusClientLike): DeadLetterStore {
  let store: DeadLetterStore | undefined;
  const open = () => (store ??= createServiceBusDeadLetterStore(connect(), { queues: INGRESS_QUEUES }));
  return {
    queues: INGRESS_QUEUES,
    list: (queue, limit) => open().list(queue, limit),
    resubmit: (queue, messageId) => open().resubmit(queue, messageId),
  };
}
