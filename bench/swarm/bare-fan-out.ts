import { proxyActivities } from '@temporalio/workflow';
import type { createBaselineActivities } from '../baseline-activities.js';

/**
 * The floor a threat response's deployment is measured against: a workflow that starts as many activities at once as
 * the swarm has investigators, on the queue the awards run on, and ends when all have answered — Temporal's own cost
 * of fanning out that wide, without recruiting, scoring or awarding anybody.
 */
export async function bareFanOutWorkflow(width: number, taskQueue: string): Promise<number> {
  const { noop } = proxyActivities<ReturnType<typeof createBaselineActivities>>({ taskQueue, startToCloseTimeout: '30s' });
  const answers = await Promise.all(Array.from({ length: width }, () => noop()));
  return answers.length;
}
