import type { Db } from '../../infra/db/pool.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { ApprovalItem } from '../schemas.js';
import { notFound } from '../errors.js';

interface ApprovalRow {
  id: string;
  workflow_id: string;
  subject_kind: ApprovalItem['subject']['kind'];
  subject_id: string;
  agent_type: string | null;
  title: string;
  severity: ApprovalItem['severity'];
  status: ApprovalItem['status'];
  tier: number;
  tier_name: string;
  tier_group: string | null;
  requested_by: string;
  requested_at: Date;
  deadline: Date;
  age_seconds: number;
  context: ApprovalItem['context'];
  proposal: JsonObject;
  safe_default: ApprovalItem['safeDefault'];
  decided_at: Date | null;
  decision: JsonObject | null;
}

const COLUMNS = `id, workflow_id, subject_kind, subject_id, agent_type, title, severity, status, tier, tier_name, tier_group, requested_by,
  requested_at, deadline, extract(epoch from (now() - requested_at))::float8 as age_seconds, context, proposal, safe_default, decided_at, decision`;

function toItem(row: ApprovalRow): ApprovalItem {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    subject: { kind: row.subject_kind, id: row.subject_id },
    agentType: row.agent_type,
    title: row.title,
    severity: row.severity,
    status: row.status,
    tier: row.tier,
    tierName: row.tier_name,
    tierGroup: row.tier_group,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    deadline: row.deadline.toISOString(),
    ageSeconds: Math.max(0, Math.round(row.age_seconds)),
    context: row.context,
    proposal: row.proposal,
    safeDefault: row.safe_default,
    decidedAt: row.decided_at?.toISOString() ?? null,
    decision: row.decision,
  };
}

/** The tenant's requests in inbox order: the most severe first, then the oldest. */
export async function listApprovals(db: Db, tenant: string, query: { status: ApprovalItem['status'] | 'all'; limit: number }): Promise<ApprovalItem[]> {
  const rows = await db.query<ApprovalRow>(
    `select ${COLUMNS} from approval_requests where tenant_id = $1 and ($2::text = 'all' or status = $2)
     order by severity_rank desc, requested_at asc, id limit $3`,
    [tenant, query.status, query.limit],
  );
  return rows.rows.map(toItem);
}

export async function readApproval(db: Db, tenant: string, id: string): Promise<ApprovalItem> {
  const rows = await db.query<ApprovalRow>(`select ${COLUMNS} from approval_requests where tenant_id = $1 and id = $2`, [tenant, id]);
  const row = rows.rows[0];
  if (!row) throw notFound(`no approval request "${id}"`);
  return toItem(row);
}
