import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { TaskStatus, TaskWorkflowInput } from '../../core/tasks/task.js';

/** Typed keys for the attributes of core/tasks/search-attributes.ts (same names, checked by a unit test). */
export const AntsTenant = defineSearchAttributeKey('AntsTenant', SearchAttributeType.KEYWORD);
export const AntsAgentType = defineSearchAttributeKey('AntsAgentType', SearchAttributeType.KEYWORD);
export const AntsTaskType = defineSearchAttributeKey('AntsTaskType', SearchAttributeType.KEYWORD);
export const AntsPriority = defineSearchAttributeKey('AntsPriority', SearchAttributeType.INT);
export const AntsStatus = defineSearchAttributeKey('AntsStatus', SearchAttributeType.KEYWORD);

export function statusAttribute(status: TaskStatus): SearchAttributePair {
  return { key: AntsStatus, value: status };
}

export function searchAttributesFor(input: TaskWorkflowInput, status: TaskStatus): SearchAttributePair[] {
  return [
    { key: AntsTenant, value: input.tenant },
    { key: AntsAgentType, value: input.agentType },
    { key: AntsTaskType, value: input.taskType },
    { key: AntsPriority, value: input.priority },
    statusAttribute(status),
  ];
}
