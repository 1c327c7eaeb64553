import type { DeadLetterStore, TaskInbox } from './ports.js';
import { INGRESS_QUEUES } from './queues.js';

/**
 * The local profile: tasks arrive through the API and CLI only, so there is no queue to read and nothing is ever
 * dead-lettered. The same routes work in both profiles; here they answer an empty list.
 */
export function localTaskInbox(): TaskInbox {
  return {
    run(_handler, signal) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    },
  };
}

export function localDeadLetterStore(queues: readonly string[] = INGRESS_QUEUES): DeadLetterStore {
  return {
    queues,
    list: async () => [],
    resubmit: async () => undefined,
  };
}
