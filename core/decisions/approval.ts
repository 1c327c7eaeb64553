import type { ApprovalDecisionInput } from '../tasks/task.js';
import type { ApprovalTier } from './requests.js';

/**
 * Who may decide a pending approval. Checked by the workflow's update validator (so the API can answer 403 before
 * anything is written) and applied the same way to signals (which cannot be refused, so they are ignored and
 * audited as refused).
 */
export type ApprovalRefusal = { kind: 'not_waiting'; message: string } | { kind: 'forbidden'; message: string };

export function checkApprovalAttempt(
  attempt: ApprovalDecisionInput,
  context: { waiting: boolean; requestedBy: string; subject?: string; tier?: Pick<ApprovalTier, 'name' | 'group' | 'members'> },
): ApprovalRefusal | undefined {
  const subject = context.subject ?? 'task';
  if (!context.waiting) return { kind: 'not_waiting', message: `the ${subject} is not waiting for an approval` };
  if (!attempt.approverId.trim()) return { kind: 'forbidden', message: 'an approver id is required' };
  // Segregation of duties: whoever asked for the work cannot approve its effects.
  if (attempt.approverId === context.requestedBy) {
    return { kind: 'forbidden', message: `${attempt.approverId} submitted this ${subject} and cannot approve it` };
  }
  // A tier with a group: only its members decide while the request sits at that tier.
  const tier = context.tier;
  if (tier?.group !== undefined && !(tier.members ?? []).includes(attempt.approverId)) {
    return { kind: 'forbidden', message: `${attempt.approverId} is not in the approver group ${tier.group} of tier ${tier.name}` };
  }
  return undefined;
}

/** Prefix of update-validator errors, so the API can tell "not waiting" (409) from "may not decide" (403). */
export function refusalMessage(refusal: ApprovalRefusal): string {
  return `${refusal.kind}: ${refusal.message}`;
}
