import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { TASK_QUEUES } from '../../core/tasks/queues.js';

/*
 * Timeouts and retries per pool. Heartbeat timeouts on the long steps let Temporal notice a dead worker within
 * seconds instead of waiting out the whole start-to-close timeout.
 */
const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 10 } as const;

export const LOCAL_STEP: LocalActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { ...retry, maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidTaskInput'] },
};

export const MEMORY_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.memory, startToCloseTimeout: '30s', retry };

export const MODELS_STEP: ActivityOptions = {
  taskQueue: TASK_QUEUES.models,
  startToCloseTimeout: '3m',
  heartbeatTimeout: '10s',
  retry: { ...retry, maximumAttempts: 5, nonRetryableErrorTypes: ['ModelConfigurationError'] },
};

export const TOOLS_STEP: ActivityOptions = {
  taskQueue: TASK_QUEUES.tools,
  startToCloseTimeout: '6m',
  heartbeatTimeout: '10s',
  retry: { ...retry, maximumAttempts: 3 },
};

export const INTEGRATIONS_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.integrations, startToCloseTimeout: '1m', heartbeatTimeout: '10s', retry };
