import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/*
 * An API key reads `ants_<keyId>_<secret>`: the key id (12 letters and digits, not secret) finds the row, the secret
 * (32 random bytes, base64url) proves possession. Only SHA-256 of the secret is stored; a plain hash is enough
 * because the secret has 256 bits of entropy, so nothing can be guessed from it the way a password can.
 */
const KEY_ID_LENGTH = 12;
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_BYTES = 32;
// Letters and digits only in the key id, so the `_` separators are never ambiguous.
const KEY_PATTERN = /^ants_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface ParsedKey {
  keyId: string;
  secret: string;
}

export function generateKey(): ParsedKey & { key: string } {
  const keyId = Array.from({ length: KEY_ID_LENGTH }, () => KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)]).join('');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { key: `ants_${keyId}_${secret}`, keyId, secret };
}

export function parseKey(presented: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(presented.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { keyId: match[1], secret: match[2] };
}

/** Hex SHA-256 of the secret: the only form that reaches the database. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret against a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}
