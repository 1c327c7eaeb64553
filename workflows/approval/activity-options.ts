import type { LocalActivityOptions } from '@temporalio/workflow';

/** Decision bookkeeping is a few rows in PostgreSQL: local activities, beside the workflow, retried briefly. */
export const DECISION_STEP: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 10 },
};
