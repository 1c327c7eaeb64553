/** One task queue per worker pool (see docs/architecture.md, "Worker pools"). */
export const TASK_QUEUES = {
  workflows: 'ants-workflows',
  memory: 'ants-memory',
  models: 'ants-models',
  tools: 'ants-tools',
  integrations: 'ants-integrations',
} as const;

export type PoolName = keyof typeof TASK_QUEUES;
export const POOL_NAMES = Object.keys(TASK_QUEUES) as PoolName[];

/** Workflow ids are derived from business ids so that submitting the same task twice starts it once. */
export function taskWorkflowId(tenant: string, taskId: string): string {
  return `task:${tenant}:${taskId}`;
}
