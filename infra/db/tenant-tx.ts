import type pg from 'pg';
import { inTransaction, type Db } from './pool.js';

/**
 * Runs `work` in one transaction as `role` (not a superuser, no BYPASSRLS) with the tenant set for that transaction
 * only (`SET LOCAL` semantics): row-level security then shows and accepts this tenant's rows and nothing else, even
 * to a query whose own filters were crafted to reach further. A pooled connection carries neither setting further.
 */
export async function inTenantAs<T>(db: Db, role: string, tenant: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (!tenant) throw new Error('a tenant transaction needs a tenant');
  // With the BEGIN, in one round trip: `set_config('role', …, true)` is SET LOCAL ROLE. The values are quoted by the
  // connection (a simple query carries no parameters).
  return inTransaction(db, work, (client) => `select set_config('role', ${client.escapeLiteral(role)}, true), set_config('ants.tenant', ${client.escapeLiteral(tenant)}, true)`);
}
