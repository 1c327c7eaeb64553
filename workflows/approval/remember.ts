import { proxyActivities } from '@temporalio/workflow';
import type { MemoryActivities } from '../../activities/memory/activities.js';
import type { StoreMemoryRequest } from '../../core/memory/requests.js';
import { MEMORY_STEP } from '../task/activity-options.js';

const memory = proxyActivities<MemoryActivities>(MEMORY_STEP);

/**
 * Files a person's decision as a semantic memory note (the `memory` pool embeds and stores it, keyed on the request).
 * Its own small workflow, started and left to run by the approvalWorkflow: embedding a note takes far longer than
 * recording the decision, and the requester should not wait for it to resume.
 */
export async function decisionMemoryWorkflow(note: StoreMemoryRequest & { kind: 'semantic' }): Promise<{ memoryId: string; created: boolean }> {
  return memory.storeMemory.executeWithOptions({ ...MEMORY_STEP, summary: 'Remember a human decision' }, [note]);
}

export function decisionMemoryWorkflowId(tenant: string, approvalId: string): string {
  return `decision-memory:${tenant}:${approvalId}`;
}
