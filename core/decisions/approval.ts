import type { ApprovalDecisionInput, Decision } from '../tasks/task.js';
import type { ApprovalOptions, ApprovalTier } from './requests.js';

/**
 * Who may decide a pending approval. Checked by the workflow's update validator (so the API can answer 403 before
 * anything is written) and applied the same way to signals (which cannot be refused, so they are ignored and
 * audited as refused).
 */
export type ApprovalRefusal = { kind: 'not_waiting'; message: string } | { kind: 'forbidden'; message: string } | { kind: 'invalid'; message: string };

/** The option a decision adopts: the person's pick, else the proposal; none for a rejection or a request without options. */
export function adoptedOption(decision: Decision, attempt: Pick<ApprovalDecisionInput, 'option'>, options: ApprovalOptions | undefined): string | undefined {
  if (decision !== 'approve' || !options) return undefined;
  return attempt.option ?? options.proposed;
}

export function checkApprovalAttempt(
  attempt: ApprovalDecisionInput,
  context: { waiting: boolean; requestedBy: string; subject?: string; tier?: Pick<ApprovalTier, 'name' | 'group' | 'members'>; decision?: Decision; options?: ApprovalOptions },
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
  return checkOption(attempt, context.decision, context.options);
}

/** An option must be one of the request's, and only an approval adopts one; a request without a proposal needs a pick. */
function checkOption(attempt: ApprovalDecisionInput, decision: Decision | undefined, options: ApprovalOptions | undefined): ApprovalRefusal | undefined {
  if (attempt.option === undefined) {
    if (decision === 'approve' && options && options.proposed === undefined) return { kind: 'invalid', message: `no option is proposed: choose one of ${options.ids.join(', ')}` };
    return undefined;
  }
  if (!options) return { kind: 'invalid', message: 'this request has no options to choose from' };
  if (decision === 'reject') return { kind: 'invalid', message: 'a rejection adopts no option' };
  if (!options.ids.includes(attempt.option)) return { kind: 'invalid', message: `"${attempt.option}" is not an option of this request (${options.ids.join(', ')})` };
  return undefined;
}

/** Prefix of update-validator errors, so the API can tell "not waiting" (409) from "may not decide" (403) and "invalid" (400). */
export function refusalMessage(refusal: ApprovalRefusal): string {
  return `${refusal.kind}: ${refusal.message}`;
}
