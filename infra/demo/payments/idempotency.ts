import { DemoApiError } from './errors.js';

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` count as the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface Remembered {
  request: string;
  result: unknown;
}

/**
 * Remembers the result of each write by its Idempotency-Key, so a client that retries after a timeout gets the
 * object it already created instead of a second one. Reusing a key for a different request is refused rather than
 * answered with an unrelated object.
 */
export class IdempotencyKeys {
  private readonly results = new Map<string, Remembered>();

  /** `write` runs only the first time; it must throw (and so store nothing) when it refuses the request. */
  once<T>(key: string, operation: string, body: unknown, write: () => T): { result: T; replayed: boolean } {
    const request = `${operation} ${canonicalJson(body)}`;
    const seen = this.results.get(key);
    if (seen) {
      if (seen.request !== request) {
        throw new DemoApiError(400, 'idempotency_error', 'This Idempotency-Key was already used with a different request; use a new key for a new write.', 'Idempotency-Key');
      }
      return { result: structuredClone(seen.result) as T, replayed: true };
    }
    const result = write();
    // A copy: the stored answer is what was returned then, even if the object changes later (a confirmed intent).
    this.results.set(key, { request, result: structuredClone(result) });
    return { result, replayed: false };
  }
}
