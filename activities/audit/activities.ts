import type { PoolClient } from 'pg';
import type { Db } from '../../infra/db/pool.js';
import type { AuditEntry } from '../../core/tasks/steps.js';

export interface AuditDeps {
  db: Db;
}

/**
 * Appends to the audit trail; the idempotency key makes a retried append of the same fact a no-op. Given a
 * transaction's client, the entry commits or rolls back with the change it records. It goes through the
 * `append_audit` function, so a restricted role (e.g. the memory role under row-level security) can append
 * without any privilege on the trail itself.
 */
export async function appendAudit(db: Db | PoolClient, entry: AuditEntry): Promise<boolean> {
  const result = await db.query<{ appended: boolean }>('select append_audit($1, $2, $3, $4, $5, $6) as appended', [
    entry.tenant,
    entry.taskId,
    entry.kind,
    entry.actor,
    JSON.stringify(entry.details),
    entry.idempotencyKey,
  ]);
  return result.rows[0]?.appended === true;
}

export function createAuditActivities({ db }: AuditDeps) {
  return {
    async recordAudit(entry: AuditEntry): Promise<void> {
      await appendAudit(db, entry);
    },
  };
}
export type AuditActivities = ReturnType<typeof createAuditActivities>;
