import type { Db } from '../../infra/db/pool.js';
import { findLiveKey, type StoredKey } from './keys.js';
import { parseKey, secretMatches } from './key-format.js';
import type { Principal } from './roles.js';

export const DEFAULT_AUTH_CACHE_TTL_MS = 30_000;

export interface AuthenticatorOptions {
  /**
   * How long a successful lookup is reused. A revoked key keeps working for at most this long in a process that
   * looked it up just before; every process sees the revocation once its entry expires. 0 disables the cache.
   */
  ttlMs?: number;
  now?: () => number;
}

export type Authenticator = (presentedKey: string) => Promise<Principal | undefined>;

/**
 * `authenticate` with a small per-process cache, so a busy client does not cost one query per request. Only live
 * keys are cached (with their hash, never the secret), and the secret is still compared on every request; unknown
 * and wrong keys always go to the database, so a new key works at once and failures cannot fill the cache.
 */
export function createAuthenticator(db: Db, { ttlMs = DEFAULT_AUTH_CACHE_TTL_MS, now = Date.now }: AuthenticatorOptions = {}): Authenticator {
  const cache = new Map<string, { stored: StoredKey; expiresAt: number }>();
  return async (presentedKey) => {
    const parsed = parseKey(presentedKey);
    if (!parsed) return undefined;
    let entry = cache.get(parsed.keyId);
    if (!entry || entry.expiresAt <= now()) {
      cache.delete(parsed.keyId);
      const stored = await findLiveKey(db, parsed.keyId);
      if (!stored) return undefined;
      entry = { stored, expiresAt: now() + ttlMs };
      if (ttlMs > 0) cache.set(parsed.keyId, entry);
    }
    return secretMatches(parsed.secret, entry.stored.secretHash) ? entry.stored.principal : undefined;
  };
}
