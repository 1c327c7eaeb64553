import { z } from 'zod';
import { identifier } from '../../core/tasks/submission.js';
import type { Db } from '../../infra/db/pool.js';
import { inTenant } from './tenant-tx.js';

/** A page of tenants, in id order, after a cursor: the upkeep visits every tenant a bounded page at a time. */
export const tenantPageRequest = z.object({ after: identifier.optional(), limit: z.number().int().min(1).max(1_000).default(100) }).strict();
export type TenantPageRequest = z.input<typeof tenantPageRequest>;

/** Retention: memories created more than `olderThanDays` ago are forgotten, at most `batchSize` rows per table. */
export const retentionRequest = z
  .object({ tenant: identifier, olderThanDays: z.number().positive().max(36_500), batchSize: z.number().int().min(1).max(100_000).default(5_000) })
  .strict();
export type RetentionRequest = z.input<typeof retentionRequest>;

/**
 * Tenants that may hold memory: the registered ones and any found in the memory tables. Read on the pool's own
 * connection, outside any tenant: the `tenants` table is not row-secured, so the list is complete even where the
 * memory tables show this role nothing.
 */
export async function listMemoryTenants(db: Db, request: TenantPageRequest): Promise<string[]> {
  const req = tenantPageRequest.parse(request);
  const { rows } = await db.query<{ tenant_id: string }>(
    `select tenant_id from (
       select id as tenant_id from tenants
       union select tenant_id from episodes
       union select tenant_id from episodes_cold
       union select tenant_id from semantic_memories) known
      where $1::text is null or tenant_id > $1
      order by tenant_id limit $2`,
    [req.after ?? null, req.limit],
  );
  return rows.map((r) => r.tenant_id);
}

/**
 * Tables retention applies to. Procedures are left alone: a procedure is the running tally of many tasks, updated
 * on every use, not a record of one moment; erasing one is an explicit forget.
 */
const RETAINED_TABLES = ['episodes', 'episodes_cold', 'semantic_memories'] as const;

/**
 * Forgets one batch of expired memories of one tenant. Safe to repeat: a retry after a commit finds fewer rows.
 * `more` says that some table filled its batch, so another call may find more.
 */
export async function forgetExpiredMemories(db: Db, request: RetentionRequest): Promise<{ deleted: number; more: boolean }> {
  const req = retentionRequest.parse(request);
  return inTenant(db, req.tenant, async (client) => {
    let deleted = 0;
    let more = false;
    for (const table of RETAINED_TABLES) {
      const result = await client.query(
        `delete from ${table} where memory_id in (
           select memory_id from ${table} where tenant_id = $1 and created_at < now() - $2::float8 * interval '1 day'
            order by created_at limit $3)`,
        [req.tenant, req.olderThanDays, req.batchSize],
      );
      const count = result.rowCount ?? 0;
      deleted += count;
      if (count === req.batchSize) more = true;
    }
    return { deleted, more };
  });
}
