import type { Db } from '../../infra/db/pool.js';
import type { MemoryActivities } from './activities.js';

/**
 * Finds the tenants that still have memories without an embedding and embeds them. The tenant list is read
 * outside any tenant (the pool's own connection role): where that role is subject to row-level security it sees
 * no rows, and `embedPendingMemories` must then be run per tenant.
 */
export async function embedPendingForAllTenants(db: Db, memory: Pick<MemoryActivities, 'embedPendingMemories'>): Promise<number> {
  const { rows } = await db.query<{ tenant_id: string }>(
    `select tenant_id from episodes where embedding is null union select tenant_id from procedures where embedding is null`,
  );
  let total = 0;
  const batch = 500;
  for (const { tenant_id: tenant } of rows) {
    for (;;) {
      const { embedded } = await memory.embedPendingMemories({ tenant, limit: batch });
      total += embedded;
      if (embedded < batch) break;
    }
  }
  return total;
}
