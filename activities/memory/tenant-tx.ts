import type pg from 'pg';
import { inTransaction, type Db } from '../../infra/db/pool.js';

/** The role the memory activities act as: not a superuser and without BYPASSRLS, so row-level security holds. */
export const MEMORY_ROLE = 'ants_memory';

/**
 * Runs `work` in one transaction as the memory role with the tenant set for that transaction only (`SET LOCAL`
 * semantics): row-level security then shows and accepts this tenant's rows and nothing else, even to a query whose
 * own filters were crafted to reach further. A pooled connection carries neither setting into its next use.
 */
export async function inTenant<T>(db: Db, tenant: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (!tenant) throw new Error('a memory transaction needs a tenant');
  return inTransaction(db, async (client) => {
    // One round trip: `set_config('role', …, true)` is SET LOCAL ROLE.
    await client.query(`select set_config('role', $1, true), set_config('ants.tenant', $2, true)`, [MEMORY_ROLE, tenant]);
    return work(client);
  });
}

/** pgvector's text form of a vector. */
export function vectorLiteral(vector: number[]): string {
  return `[${vector.join(',')}]`;
}
