import type { Db } from '../../infra/db/pool.js';
import type { AuditEntry } from '../../core/tasks/steps.js';

export interface AuditDeps {
  db: Db;
}

/** Appends to the audit trail; the idempotency key makes a retried append of the same fact a no-op. */
export async function appendAudit(db: Db, entry: AuditEntry): Promise<boolean> {
  const result = await db.query(
    `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key)
     values ($1, $2, $3, $4, $5, $6) on conflict (idempotency_key) do nothing`,
    [entry.tenant, entry.taskId, entry.kind, entry.actor, JSON.stringify(entry.details), entry.idempotencyKey],
  );
  return result.rowCount === 1;
}

export function createAuditActivities({ db }: AuditDeps) {
  return {
    async recordAudit(entry: AuditEntry): Promise<void> {
      await appendAudit(db, entry);
    },
  };
}
export type AuditActivities = ReturnType<typeof createAuditActivities>;
