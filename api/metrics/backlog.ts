import type { Client } from '@temporalio/client';
import { POOL_NAMES, TASK_QUEUES, type PoolName } from '../../core/tasks/queues.js';

/** The Temporal API's task queue types (temporal.api.enums.v1.TaskQueueType). */
const TASK_QUEUE_TYPE = { workflow: 1, activity: 2 } as const;

export interface QueueBacklog {
  /** Tasks waiting for a worker (approximate, as Temporal counts them). */
  backlog: number;
  /** How long the oldest waiting task has waited, in seconds. */
  oldestSeconds: number;
  /** Tasks added and dispatched per second (averaged over the last 30 s). */
  addRate: number;
  dispatchRate: number;
  /** Workers polling right now. */
  pollers: number;
}

export interface PoolBacklog {
  pool: PoolName;
  taskQueue: string;
  workflowTasks: QueueBacklog;
  activityTasks: QueueBacklog;
}

type LongLike = number | { toNumber(): number } | null | undefined;
const toNumber = (value: LongLike): number => (value === null || value === undefined ? 0 : typeof value === 'number' ? value : value.toNumber());

/**
 * Each pool's task-queue backlog from Temporal's DescribeTaskQueue statistics: what infrastructure autoscaling
 * (KEDA, an HPA on external metrics) scales the pools' replicas on — recruitment at the infrastructure level.
 */
export async function describePoolBacklogs(client: Pick<Client, 'workflowService'>, namespace: string): Promise<PoolBacklog[]> {
  const describe = async (taskQueue: string, taskQueueType: number): Promise<QueueBacklog> => {
    const response = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType, reportStats: true });
    const stats = response.stats;
    const age = stats?.approximateBacklogAge;
    return {
      backlog: toNumber(stats?.approximateBacklogCount),
      oldestSeconds: age ? toNumber(age.seconds) + (age.nanos ?? 0) / 1e9 : 0,
      addRate: stats?.tasksAddRate ?? 0,
      dispatchRate: stats?.tasksDispatchRate ?? 0,
      pollers: response.pollers?.length ?? 0,
    };
  };
  return Promise.all(
    POOL_NAMES.map(async (pool) => {
      const taskQueue = TASK_QUEUES[pool];
      const [workflowTasks, activityTasks] = await Promise.all([describe(taskQueue, TASK_QUEUE_TYPE.workflow), describe(taskQueue, TASK_QUEUE_TYPE.activity)]);
      return { pool, taskQueue, workflowTasks, activityTasks };
    }),
  );
}
