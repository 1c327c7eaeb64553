import { randomUUID } from 'node:crypto';
import { DEFAULT_DELEGATION, type DelegationMode, type DelegationSetting } from '../../core/decisions/delegation.js';
import { ESCALATION_THRESHOLDS } from '../../core/decisions/escalation.js';
import type { ApprovalTier } from '../../core/decisions/requests.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

export interface DecisionPolicy {
  delegation: DelegationSetting;
  /** The agent type's adapted confidence threshold (the whitepaper's 0.7 until people have judged its work). */
  minConfidence: number;
}

/** The delegation mode for an agent type (its own, else the tenant's `*`, else human approval) and its threshold. */
export async function readDecisionPolicy(db: Db, tenant: string, agentType: string): Promise<DecisionPolicy> {
  const modes = await db.query<{ agent_type: string; mode: DelegationMode; listed_actions: string[]; revert_window_seconds: number }>(
    `select agent_type, mode, listed_actions, revert_window_seconds from delegation_modes
     where tenant_id = $1 and agent_type in ($2, '*') order by (agent_type = '*')`,
    [tenant, agentType],
  );
  const threshold = await db.query<{ min_confidence: number }>('select min_confidence from escalation_thresholds where tenant_id = $1 and agent_type = $2', [tenant, agentType]);
  const row = modes.rows[0];
  return {
    delegation: row ? { mode: row.mode, listedActions: row.listed_actions, revertWindowMs: row.revert_window_seconds * 1000 } : DEFAULT_DELEGATION,
    minConfidence: threshold.rows[0]?.min_confidence ?? ESCALATION_THRESHOLDS.minConfidence,
  };
}

export interface DelegationChange {
  tenant: string;
  /** `*` sets the tenant's default. */
  agentType: string;
  mode: DelegationMode;
  listedActions: string[];
  revertWindowSeconds: number;
  changedBy: string;
}

/** Sets a delegation mode; the change and what it replaced are audited in the same transaction. */
export async function setDelegationMode(db: Db, change: DelegationChange): Promise<{ previous: DelegationMode | null }> {
  return inTransaction(db, async (client) => {
    const before = await client.query<{ mode: DelegationMode }>('select mode from delegation_modes where tenant_id = $1 and agent_type = $2 for update', [change.tenant, change.agentType]);
    await client.query(
      `insert into delegation_modes (tenant_id, agent_type, mode, listed_actions, revert_window_seconds, updated_by) values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, agent_type) do update set mode = $3, listed_actions = $4, revert_window_seconds = $5, updated_by = $6, updated_at = now()`,
      [change.tenant, change.agentType, change.mode, change.listedActions, change.revertWindowSeconds, change.changedBy],
    );
    const previous = before.rows[0]?.mode ?? null;
    await client.query(
      `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key) values ($1, $2, 'delegation.changed', $3, $4, $5)`,
      [
        change.tenant,
        `delegation:${change.agentType}`,
        change.changedBy,
        JSON.stringify({ agentType: change.agentType, from: previous, to: change.mode, listedActions: change.listedActions, revertWindowSeconds: change.revertWindowSeconds }),
        // Each change is its own fact, never deduplicated against another.
        `delegation.changed:${randomUUID()}`,
      ],
    );
    return { previous };
  });
}

export async function listDelegationModes(db: Db, tenant: string) {
  const rows = await db.query<{ agent_type: string; mode: DelegationMode; listed_actions: string[]; revert_window_seconds: number; updated_by: string; updated_at: Date }>(
    'select agent_type, mode, listed_actions, revert_window_seconds, updated_by, updated_at from delegation_modes where tenant_id = $1 order by agent_type',
    [tenant],
  );
  return rows.rows.map((r) => ({
    agentType: r.agent_type,
    mode: r.mode,
    listedActions: r.listed_actions,
    revertWindowSeconds: r.revert_window_seconds,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at.toISOString(),
  }));
}

/** Replaces a tenant's escalation chain and approver groups (tier 0's timeout is each request's own). */
export async function setApprovalTiers(db: Db, tenant: string, tiers: ReadonlyArray<Omit<ApprovalTier, 'timeoutMs'> & { timeoutSeconds: number }>, changedBy: string): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query('delete from approval_tiers where tenant_id = $1', [tenant]);
    await client.query('delete from approver_group_members where tenant_id = $1', [tenant]);
    for (const [position, tier] of tiers.entries()) {
      await client.query('insert into approval_tiers (tenant_id, position, name, approver_group, timeout_seconds) values ($1, $2, $3, $4, $5)', [
        tenant,
        position,
        tier.name,
        tier.group ?? null,
        tier.timeoutSeconds,
      ]);
      for (const member of new Set(tier.members ?? [])) {
        if (!tier.group) continue;
        await client.query('insert into approver_group_members (tenant_id, group_name, member) values ($1, $2, $3) on conflict do nothing', [tenant, tier.group, member]);
      }
    }
    await client.query(
      `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key) values ($1, 'approval-tiers', 'approval.tiers_changed', $2, $3, $4)`,
      [tenant, changedBy, JSON.stringify({ tiers: tiers.map((t) => ({ name: t.name, group: t.group ?? null, members: t.members ?? [], timeoutSeconds: t.timeoutSeconds })) }), `approval.tiers_changed:${randomUUID()}`],
    );
  });
}
