import type { ProposedEffect } from '../tasks/task.js';
import type { EscalationReason } from './escalation.js';

/**
 * How much a tenant lets an agent type do alone (whitepaper §1.6), set per tenant and agent type (`*` = the tenant's
 * default). Changes are audited.
 */
export const DELEGATION_MODES = ['full_automation', 'human_approval', 'human_in_the_loop', 'human_on_the_loop'] as const;
export type DelegationMode = (typeof DELEGATION_MODES)[number];

export interface DelegationSetting {
  mode: DelegationMode;
  /** `human_approval`: effect kinds that always wait for a person, whatever the escalation rules say. */
  listedActions: string[];
  /** `human_on_the_loop`: how long a person may revert what the agent did. */
  revertWindowMs: number;
}

export const DEFAULT_DELEGATION: DelegationSetting = { mode: 'human_approval', listedActions: [], revertWindowMs: 3_600_000 };

/** What a task does about people once its effects are verified. */
export type HumanInvolvement =
  | { kind: 'none' }
  | { kind: 'approve_before'; reasons: string[] }
  | { kind: 'notify_after'; reasons: string[]; revertWindowMs: number };

export function humanInvolvement(
  setting: DelegationSetting,
  escalation: { reasons: EscalationReason[]; described: string[] },
  effects: readonly ProposedEffect[],
): HumanInvolvement {
  const policyReasons = escalation.reasons.flatMap((r, i) => (r === 'policy' ? [escalation.described[i] ?? 'policy requires a human decision'] : []));
  switch (setting.mode) {
    case 'full_automation':
      // Within policy: only a policy that demands a person stops the agent.
      return policyReasons.length > 0 ? { kind: 'approve_before', reasons: policyReasons } : { kind: 'none' };
    case 'human_in_the_loop':
      return { kind: 'approve_before', reasons: [...escalation.described, 'delegation mode: a person takes part in every decision'] };
    case 'human_on_the_loop':
      if (policyReasons.length > 0) return { kind: 'approve_before', reasons: policyReasons };
      return escalation.described.length > 0 ? { kind: 'notify_after', reasons: escalation.described, revertWindowMs: setting.revertWindowMs } : { kind: 'none' };
    case 'human_approval': {
      const listed = effects.filter((e) => setting.listedActions.includes(e.kind)).map((e) => e.kind);
      const reasons = [...escalation.described, ...[...new Set(listed)].map((kind) => `${kind} is a listed action that needs approval`)];
      return reasons.length > 0 ? { kind: 'approve_before', reasons } : { kind: 'none' };
    }
  }
}
