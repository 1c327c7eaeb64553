import type { ActivityOptions } from '@temporalio/workflow';
import { TASK_QUEUES } from '../../core/tasks/queues.js';

const retry = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '20s' } as const;

/** Swarm state lives in Postgres: the memory pool spends the connection budget. Retried until it lands. */
export const REGISTRY_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.memory, startToCloseTimeout: '30s', retry };

/** Checkpoints go through the snapshot port, which the integrations pool owns (local directory or Azure NetApp Files). */
export const SNAPSHOT_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.integrations, startToCloseTimeout: '2m', retry: { ...retry, nonRetryableErrorTypes: ['CorruptCheckpoint'] } };

/** Waking agents needs the Temporal client and the registry, both in the integrations pool. */
export const ACTIVATION_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.integrations, startToCloseTimeout: '1m', retry: { ...retry, maximumAttempts: 10, nonRetryableErrorTypes: ['NotDeployed'] } };
