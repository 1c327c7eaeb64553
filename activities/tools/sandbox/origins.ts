/**
 * Origins as the HTTP policy compares them: scheme + host + port, in the form the
 * WHATWG URL parser gives them (`URL.origin`). Everything that names an origin
 * (a request's allowedHosts, the operator's privateOrigins, a secret's origins) goes
 * through parseOrigin, and every request URL is reduced with the same parser, so
 * `http://2130706433:80` and `http://127.0.0.1` are the same origin, and an entry
 * cannot smuggle a path, credentials or a second scheme into the comparison.
 */

export const WEB_SCHEMES: readonly string[] = ['http:', 'https:'];

/** The canonical origin, or a problem a caller can act on. */
export function parseOrigin(text: unknown): { origin: string } | { problem: string } {
  if (typeof text !== 'string' || text.length === 0 || text.length > 2048) {
    return { problem: 'an origin must be a non-empty string of at most 2048 characters' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `"${clip(text)}" is not a URL (expected e.g. https://api.example.com)` };
  }
  if (!WEB_SCHEMES.includes(url.protocol)) return { problem: `"${clip(text)}" must use http: or https:` };
  if (url.username !== '' || url.password !== '') return { problem: `"${clip(text)}" must not contain credentials` };
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return { problem: `"${clip(text)}" must be an origin only (scheme, host and optional port), without a path, query or fragment` };
  }
  return { origin: url.origin };
}

/** For lists given by the operator (privateOrigins, a secret's origins): a bad entry is a configuration bug and throws. */
export function originSetOf(entries: readonly string[], what: string): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const entry of entries) {
    const parsed = parseOrigin(entry);
    if ('problem' in parsed) throw new TypeError(`${what}: ${parsed.problem}`);
    origins.add(parsed.origin);
  }
  return origins;
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
