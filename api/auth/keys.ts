import { z } from 'zod';
import { identifier } from '../../core/tasks/submission.js';
import type { Db } from '../../infra/db/pool.js';
import { generateKey, hashSecret, parseKey, secretMatches } from './key-format.js';
import { roleSchema, type Principal, type Role } from './roles.js';

/** Creates the tenant unless it exists (a second call with another name keeps the first name). */
export async function createTenant(db: Db, id: string, name: string): Promise<void> {
  identifier.parse(id);
  await db.query('insert into tenants (id, name) values ($1, $2) on conflict (id) do nothing', [id, name]);
}

const newKeyRequest = z.object({ tenant: identifier, name: z.string().trim().min(1).max(200), role: roleSchema });
export type NewKeyRequest = z.input<typeof newKeyRequest>;

/** Creates a key for an existing tenant. The plaintext key is in the answer and nowhere else: show it once. */
export async function createApiKey(db: Db, request: NewKeyRequest): Promise<{ key: string; keyId: string }> {
  const { tenant, name, role } = newKeyRequest.parse(request);
  const { key, keyId, secret } = generateKey();
  await db.query('insert into api_keys (id, tenant_id, name, role, secret_hash) values ($1, $2, $3, $4, $5)', [
    keyId,
    tenant,
    name,
    role,
    hashSecret(secret),
  ]);
  return { key, keyId };
}

/** Marks a key revoked; returns false when there was no such live key. */
export async function revokeApiKey(db: Db, keyId: string): Promise<boolean> {
  const result = await db.query('update api_keys set revoked_at = now() where id = $1 and revoked_at is null', [keyId]);
  return result.rowCount === 1;
}

export interface StoredKey {
  principal: Principal;
  secretHash: string;
}

/** The live (not revoked) key with this id, with its stored hash; undefined for unknown or revoked ids. */
export async function findLiveKey(db: Db, keyId: string): Promise<StoredKey | undefined> {
  const result = await db.query<{ id: string; tenant_id: string; name: string; role: Role; secret_hash: string }>(
    'select id, tenant_id, name, role, secret_hash from api_keys where id = $1 and revoked_at is null',
    [keyId],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return { principal: { keyId: row.id, tenant: row.tenant_id, role: row.role, name: row.name }, secretHash: row.secret_hash };
}

/** Who a presented key belongs to, straight from the database; undefined for malformed, unknown, wrong or revoked keys. */
export async function authenticate(db: Db, presentedKey: string): Promise<Principal | undefined> {
  const parsed = parseKey(presentedKey);
  if (!parsed) return undefined;
  const stored = await findLiveKey(db, parsed.keyId);
  if (!stored || !secretMatches(parsed.secret, stored.secretHash)) return undefined;
  return stored.principal;
}
