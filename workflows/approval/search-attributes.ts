import type { SearchAttributePair } from '@temporalio/common';
import { SEVERITY_RANK, type ApprovalRequestStatus, type ApprovalWorkflowInput } from '../../core/decisions/requests.js';
import { AntsAgentType, AntsPriority, AntsStatus, AntsTenant } from '../task/search-attributes.js';

/**
 * A request's status keeps its own values (PENDING, APPROVED, …) so `AntsStatus="AWAITING_APPROVAL"` still finds the
 * tasks that wait, while `AntsStatus="PENDING" ORDER BY AntsPriority` finds the requests themselves.
 */
export function approvalStatusAttribute(status: ApprovalRequestStatus): SearchAttributePair {
  return { key: AntsStatus, value: status.toUpperCase() };
}

export function approvalSearchAttributes(input: ApprovalWorkflowInput): SearchAttributePair[] {
  return [
    { key: AntsTenant, value: input.tenant },
    ...(input.agentType ? [{ key: AntsAgentType, value: input.agentType }] : []),
    { key: AntsPriority, value: SEVERITY_RANK[input.severity] },
    approvalStatusAttribute('pending'),
  ];
}
