import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createBaselineActivities } from './baseline-activities.js';

type BaselineActivities = ReturnType<typeof createBaselineActivities>;

const local = proxyLocalActivities<BaselineActivities>({ startToCloseTimeout: '30s' });
const remote = (taskQueue: string) => proxyActivities<BaselineActivities>({ taskQueue, startToCloseTimeout: '30s' });

/**
 * The floor the task loop is measured against: the same shape of orchestration (2 local activities, then one
 * activity on each of the memory, models, tools, integrations and memory queues) with activities that do nothing.
 */
export async function baselineWorkflow(queues: { memory: string; models: string; tools: string; integrations: string }): Promise<number> {
  let steps = 0;
  steps += await local.noop();
  steps += await remote(queues.memory).noop();
  steps += await remote(queues.models).noop();
  steps += await remote(queues.tools).noop();
  steps += await local.noop();
  steps += await remote(queues.integrations).noop();
  steps += await remote(queues.memory).noop();
  return steps;
}
