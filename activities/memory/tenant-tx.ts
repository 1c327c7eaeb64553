import type pg from 'pg';
import type { Db } from '../../infra/db/pool.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';

/** The role the memory activities act as: not a superuser and without BYPASSRLS, so row-level security holds. */
export const MEMORY_ROLE = 'ants_memory';

/** A memory transaction: the tenant's rows only, as the memory role (see inTenantAs). */
export async function inTenant<T>(db: Db, tenant: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTenantAs(db, MEMORY_ROLE, tenant, work);
}

/** pgvector's text form of a vector. */
export function vectorLiteral(vector: number[]): string {
  return `[${vector.join(',')}]`;
}
