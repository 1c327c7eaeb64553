import { DiscoveryFetchError } from './bounded-fetch.js';
import { defaultResolveHost, PolicyRefusal, resolveDestination, type Destination, type ResolveHost } from '../tools/sandbox/http-policy.js';
import { WEB_SCHEMES } from '../tools/sandbox/origins.js';

export interface DiscoveryTargetRules {
  /** Origins that may resolve to private or loopback addresses (the local demo API, an operator's intranet API). */
  privateOrigins: readonly string[];
  resolveHost?: ResolveHost;
}

/** The address a discovery request must connect to: judged by the same rules, then pinned for the connection. */
export function pinDiscoveryTarget(rules: DiscoveryTargetRules): (url: string) => Promise<Destination> {
  return (text) => {
    const url = new URL(text);
    return resolveDestination(url, { allowedOrigins: new Set([url.origin]), privateOrigins: new Set(rules.privateOrigins), resolveHost: rules.resolveHost ?? defaultResolveHost });
  };
}

/**
 * Whether discovery may fetch this URL: http(s), no credentials in it, and not a private, loopback, link-local or
 * metadata address unless the operator listed its origin — the same rules tools' requests follow, so a capability
 * request cannot be used to read what sits on the service's own network. Undefined: allowed; a string: why not.
 */
export async function checkDiscoveryTarget(text: string, rules: DiscoveryTargetRules): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${text.slice(0, 200)} is not a valid URL`;
  }
  if (!WEB_SCHEMES.includes(url.protocol)) return `only http and https APIs can be discovered, not ${url.protocol}`;
  if (url.username !== '' || url.password !== '') return 'an API URL must not carry credentials (user@host)';
  try {
    await resolveDestination(url, { allowedOrigins: new Set([url.origin]), privateOrigins: new Set(rules.privateOrigins), resolveHost: rules.resolveHost ?? defaultResolveHost });
    return undefined;
  } catch (error) {
    // A name that does not resolve right now is a network problem to retry, not a verdict on the address.
    if (error instanceof PolicyRefusal && error.code === 'NETWORK_ERROR') throw new DiscoveryFetchError(text, `GET ${text} failed: ${error.message}`);
    if (error instanceof PolicyRefusal) return error.message;
    throw error;
  }
}
