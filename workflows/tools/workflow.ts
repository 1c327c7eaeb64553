import { proxyActivities } from '@temporalio/workflow';
import type { ToolRegistryActivities, ToolRunOutcome, ToolRunRequest } from '../../activities/tools/registry-activities.js';
import { TOOLS_REGISTRY_STEP } from '../capability/activity-options.js';

const registry = proxyActivities<ToolRegistryActivities>({ ...TOOLS_REGISTRY_STEP, retry: { ...TOOLS_REGISTRY_STEP.retry, maximumAttempts: 3 } });

/**
 * One call of a registered tool from outside a task (the API's execute). A workflow rather than a direct call so the
 * run is durable and visible in the Web UI like every other piece of work, and so only the tools pool runs tool code.
 * Its id carries the run's business id: the same run asked twice is one run, counted once in the tool's stats.
 */
export async function toolRunWorkflow(request: ToolRunRequest): Promise<ToolRunOutcome> {
  return registry.runRegisteredTool(request);
}

export function toolRunWorkflowId(tenant: string, runId: string): string {
  return `tool-run:${tenant}:${runId}`;
}
