import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authenticate, createApiKey, createTenant } from '../../api/auth/keys.js';
import type { Db } from '../../infra/db/pool.js';

export const DEV_TENANT = 'dev';

export interface DevKey {
  tenant: string;
  key: string;
  file: string;
  created: boolean;
}

/**
 * The development key `npm start` prints: an admin key of the `dev` tenant, kept in `<ANTS_HOME>/dev-api-key`
 * (mode 0600) because only its hash is in the database. A key that no longer authenticates (database reset,
 * revoked) is replaced.
 */
export async function ensureDevApiKey(db: Db, antsHome: string): Promise<DevKey> {
  const file = join(antsHome, 'dev-api-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (await authenticate(db, key)) return { tenant: DEV_TENANT, key, file, created: false };
  }
  await createTenant(db, DEV_TENANT, 'Development');
  const { key } = await createApiKey(db, { tenant: DEV_TENANT, name: 'dev-admin', role: 'admin' });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { tenant: DEV_TENANT, key, file, created: true };
}
