import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../api/auth/authenticator.js';
import { parseKey } from '../../api/auth/key-format.js';
import { authenticate, createApiKey, createTenant, revokeApiKey } from '../../api/auth/keys.js';
import { can, ROLES, type Permission, type Role } from '../../api/auth/roles.js';
import type { Db } from '../../infra/db/pool.js';
import { freshTenant, testDb } from '../support/stack.js';

let db: Db;

beforeAll(() => {
  db = testDb();
});

afterAll(async () => {
  await db?.end();
});

async function tenantWithKey(role: Role, name = 'alice') {
  const tenant = freshTenant('keys');
  await createTenant(db, tenant, 'Key tests');
  return { tenant, ...(await createApiKey(db, { tenant, name, role })) };
}

describe('roles', () => {
  it('grants view to every role, submit to operator and admin, approve to approver and admin', () => {
    const permissions: Permission[] = ['view', 'submit', 'approve'];
    const matrix = Object.fromEntries(ROLES.map((role) => [role, permissions.filter((p) => can(role, p))]));
    expect(matrix).toEqual({
      viewer: ['view'],
      operator: ['view', 'submit'],
      approver: ['view', 'approve'],
      admin: ['view', 'submit', 'approve'],
    });
  });
});

describe('API keys', () => {
  it('creates tenants idempotently, keeping the first name', async () => {
    const tenant = freshTenant('keys');
    await createTenant(db, tenant, 'First');
    await createTenant(db, tenant, 'Second');
    const rows = await db.query<{ name: string }>('select name from tenants where id = $1', [tenant]);
    expect(rows.rows).toEqual([{ name: 'First' }]);
  });

  it('issues keys as ants_<keyId>_<secret> and stores only the SHA-256 of the secret', async () => {
    const { tenant, key, keyId } = await tenantWithKey('operator');
    expect(key).toMatch(/^ants_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseKey(key);
    expect(parsed?.keyId).toBe(keyId);
    const secret = parsed?.secret ?? '';
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);

    const rows = await db.query<Record<string, unknown>>('select * from api_keys where id = $1', [keyId]);
    expect(rows.rows).toHaveLength(1);
    const row = rows.rows[0] ?? {};
    expect(row).toMatchObject({ tenant_id: tenant, name: 'alice', role: 'operator', revoked_at: null });
    expect(row.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    // Neither the key nor its secret is anywhere in the row.
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(key);
  });

  it('authenticates each role and tells who the key belongs to', async () => {
    for (const role of ROLES) {
      const { tenant, key, keyId } = await tenantWithKey(role, `${role}-person`);
      expect(await authenticate(db, key)).toEqual({ keyId, tenant, role, name: `${role}-person` });
    }
  });

  it('refuses a wrong secret, an unknown key id and malformed keys', async () => {
    const { key, keyId } = await tenantWithKey('admin');
    const secret = parseKey(key)?.secret ?? '';
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticate(db, `ants_${keyId}_${flipped}`)).toBeUndefined();
    expect(await authenticate(db, `ants_${'Z'.repeat(12)}_${secret}`)).toBeUndefined();
    for (const malformed of ['', 'ants_', key.slice(0, -1), `${key}x`, `Bearer ${key}`, key.replace('ants_', 'ant_')]) {
      expect(await authenticate(db, malformed)).toBeUndefined();
    }
  });

  it('refuses a revoked key', async () => {
    const { key, keyId } = await tenantWithKey('approver');
    expect(await authenticate(db, key)).toBeDefined();
    expect(await revokeApiKey(db, keyId)).toBe(true);
    expect(await revokeApiKey(db, keyId)).toBe(false);
    expect(await authenticate(db, key)).toBeUndefined();
  });

  it('honours a revocation in the cached authenticator once the entry expires, and never caches a wrong secret as valid', async () => {
    const { key, keyId } = await tenantWithKey('viewer');
    let now = 1_000;
    const cached = createAuthenticator(db, { ttlMs: 30_000, now: () => now });
    expect(await cached(key)).toMatchObject({ keyId, role: 'viewer' });

    const secret = parseKey(key)?.secret ?? '';
    expect(await cached(`ants_${keyId}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();

    await revokeApiKey(db, keyId);
    now += 29_999;
    expect(await cached(key)).toBeDefined(); // within the documented TTL
    now += 1;
    expect(await cached(key)).toBeUndefined();

    const uncached = createAuthenticator(db, { ttlMs: 0 });
    expect(await uncached(key)).toBeUndefined();
  });
});
