import type pg from 'pg';
import { adaptMinConfidence, DEFAULT_THRESHOLD_BOUNDS, feedbackNote, INITIAL_MIN_CONFIDENCE } from '../../core/decisions/feedback.js';
import { SEVERITY_RANK, type ApprovalOutcome, type ApprovalTier, type ApprovalWorkflowInput } from '../../core/decisions/requests.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

/** The audit rows of a request are filed under its subject (the task or round it decides), keyed by the workflow. */
async function audit(client: pg.PoolClient, request: ApprovalWorkflowInput, kind: string, actor: string, details: JsonObject, key: string): Promise<boolean> {
  const result = await client.query(
    `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key)
     values ($1, $2, $3, $4, $5, $6) on conflict (idempotency_key) do nothing`,
    [request.tenant, request.subject.id, kind, actor, JSON.stringify(details), key],
  );
  return result.rowCount === 1;
}

export interface OpenRequest {
  request: ApprovalWorkflowInput;
  workflowId: string;
  tier: ApprovalTier;
  requestedAt: string;
  deadline: string;
}

/** The request enters the inbox and the audit trail; a retry after a crash writes nothing twice. */
export async function openApprovalRequest(db: Db, { request, workflowId, tier, requestedAt, deadline }: OpenRequest): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query(
      `insert into approval_requests (tenant_id, id, workflow_id, subject_kind, subject_id, agent_type, title, severity, severity_rank,
         tier, tier_name, tier_group, requested_by, context, proposal, safe_default, requested_at, deadline)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $13, $14, $15, $16, $17)
       on conflict (tenant_id, id) do nothing`,
      [
        request.tenant,
        request.approvalId,
        workflowId,
        request.subject.kind,
        request.subject.id,
        request.agentType ?? null,
        request.title,
        request.severity,
        SEVERITY_RANK[request.severity],
        tier.name,
        tier.group ?? null,
        request.requestedBy,
        JSON.stringify(request.context),
        JSON.stringify(request.proposal),
        request.safeDefault,
        requestedAt,
        deadline,
      ],
    );
    await audit(client, request, 'approval.requested', 'ants', { reasons: request.context.reasons, deadline, severity: request.severity, tier: tier.name }, `${workflowId}:approval.requested`);
  });
}

export interface EscalateTier {
  request: ApprovalWorkflowInput;
  workflowId: string;
  tier: number;
  tierSpec: ApprovalTier;
  deadline: string;
}

export async function escalateApprovalTier(db: Db, { request, workflowId, tier, tierSpec, deadline }: EscalateTier): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query('update approval_requests set tier = $3, tier_name = $4, tier_group = $5, deadline = $6 where tenant_id = $1 and id = $2 and status = $7', [
      request.tenant,
      request.approvalId,
      tier,
      tierSpec.name,
      tierSpec.group ?? null,
      deadline,
      'pending',
    ]);
    await audit(client, request, 'approval.escalated', 'ants', { tier, tierName: tierSpec.name, group: tierSpec.group ?? null, deadline }, `${workflowId}:approval.escalated:${tier}`);
  });
}

export interface CloseRequest {
  request: ApprovalWorkflowInput;
  workflowId: string;
  outcome: ApprovalOutcome;
}

/**
 * The decision, in one transaction: the inbox row, the audit row, the feedback record (the decision with the
 * proposal it judged) and the agent type's adapted escalation threshold. A retried close changes nothing.
 */
export async function closeApprovalRequest(db: Db, { request, workflowId, outcome }: CloseRequest): Promise<void> {
  const { record } = outcome;
  await inTransaction(db, async (client) => {
    await client.query('update approval_requests set status = $3, decision = $4, decided_at = $5 where tenant_id = $1 and id = $2 and status = $6', [
      request.tenant,
      request.approvalId,
      outcome.status,
      JSON.stringify({ ...record, tier: outcome.tier, tierName: outcome.tierName }),
      record.at,
      'pending',
    ]);
    await audit(
      client,
      request,
      record.reason === 'timeout' ? 'approval.timeout' : 'approval.decided',
      record.approverId,
      { decision: record.decision, via: record.via, reason: record.reason, comment: record.comment ?? null, tier: outcome.tierName, ...(record.option ? { option: record.option } : {}) },
      `${workflowId}:approval.closed`,
    );
    const inserted = await client.query(
      `insert into human_decisions (tenant_id, approval_id, agent_type, subject_kind, proposal, decision, reason, approver_id, comment, note, decided_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing`,
      [
        request.tenant,
        request.approvalId,
        request.agentType ?? null,
        request.subject.kind,
        JSON.stringify(request.proposal),
        record.decision,
        record.reason,
        record.approverId,
        record.comment ?? null,
        feedbackNote(record, request.options?.proposed),
        record.at,
      ],
    );
    // Only a person's judgement teaches anything; a timeout says nothing about the agent.
    if (inserted.rowCount === 1 && record.reason === 'human' && request.agentType) await adaptThreshold(client, request.tenant, request.agentType);
  });
}

const RECENT_DECISIONS = 20;

async function adaptThreshold(client: pg.PoolClient, tenant: string, agentType: string): Promise<void> {
  // Serialises concurrent closes for the same agent type, so no adjustment is lost.
  await client.query('select pg_advisory_xact_lock(hashtext($1 || $2))', [tenant, agentType]);
  const history = await client.query<{ decisions: number; approved: number }>(
    `select count(*)::int as decisions, count(*) filter (where decision = 'approve')::int as approved from (
       select decision from human_decisions where tenant_id = $1 and agent_type = $2 and reason = 'human' order by decided_at desc limit $3) recent`,
    [tenant, agentType, RECENT_DECISIONS],
  );
  const current = await client.query<{ min_confidence: number }>('select min_confidence from escalation_thresholds where tenant_id = $1 and agent_type = $2', [tenant, agentType]);
  const stats = history.rows[0] ?? { decisions: 0, approved: 0 };
  const next = adaptMinConfidence(current.rows[0]?.min_confidence ?? INITIAL_MIN_CONFIDENCE, stats, DEFAULT_THRESHOLD_BOUNDS);
  await client.query(
    `insert into escalation_thresholds (tenant_id, agent_type, min_confidence, decisions_seen) values ($1, $2, $3, 1)
     on conflict (tenant_id, agent_type) do update set min_confidence = $3, decisions_seen = escalation_thresholds.decisions_seen + 1, updated_at = now()`,
    [tenant, agentType, next],
  );
}

export async function recordApprovalRefusal(
  db: Db,
  input: { request: ApprovalWorkflowInput; workflowId: string; approverId: string; via: string; decision: string; reason: string; sequence: number },
): Promise<void> {
  await inTransaction(db, (client) =>
    audit(client, input.request, 'approval.refused', input.approverId || 'unknown', { via: input.via, decision: input.decision, reason: input.reason }, `${input.workflowId}:approval.refused:${input.sequence}`),
  );
}

/** The tenant's escalation chain with each group's members, resolved now so the workflow can check without I/O. */
export async function loadApprovalTiers(db: Db, tenant: string): Promise<ApprovalTier[]> {
  const tiers = await db.query<{ name: string; approver_group: string | null; timeout_seconds: number }>(
    'select name, approver_group, timeout_seconds from approval_tiers where tenant_id = $1 order by position',
    [tenant],
  );
  const members = await db.query<{ group_name: string; member: string }>('select group_name, member from approver_group_members where tenant_id = $1 order by member', [tenant]);
  return tiers.rows.map((t) => ({
    name: t.name,
    ...(t.approver_group ? { group: t.approver_group, members: members.rows.filter((m) => m.group_name === t.approver_group).map((m) => m.member) } : {}),
    timeoutMs: t.timeout_seconds * 1000,
  }));
}
