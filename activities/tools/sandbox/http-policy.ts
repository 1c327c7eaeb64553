/**
 * Where a tool's HTTP request may go. Runs on the host, for the first URL and again
 * for every redirect hop, so a redirect can never reach what a direct request could not.
 *
 * Order of checks: the URL's shape (scheme, credentials), then the allow-list by
 * origin, then DNS, then every resolved address. The address that was judged is the
 * one the connection uses (see http-exchange.ts), so there is no second lookup a
 * rebinding DNS server could answer differently.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from './address-policy.js';
import { WEB_SCHEMES } from './origins.js';
import type { HostErrorCode } from './types.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Injectable so tests (and operators with their own resolver) can decide what a name resolves to. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const defaultResolveHost: ResolveHost = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

export class PolicyRefusal extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Destination {
  url: URL;
  /** The exact address the connection must use. */
  pinned: ResolvedAddress;
}

export interface DestinationRules {
  allowedOrigins: ReadonlySet<string>;
  privateOrigins: ReadonlySet<string>;
  resolveHost: ResolveHost;
}

/** Shape and allow-list only; no I/O. Throws PolicyRefusal. */
export function checkUrl(text: string, base: URL | undefined, allowedOrigins: ReadonlySet<string>): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new PolicyRefusal('BAD_URL', `"${clip(text)}" is not a valid absolute URL`);
  }
  if (!WEB_SCHEMES.includes(url.protocol)) throw new PolicyRefusal('BAD_URL', `scheme ${clip(url.protocol)} is not allowed; only http: and https:`);
  if (url.username !== '' || url.password !== '') throw new PolicyRefusal('BAD_URL', 'URLs with credentials (user@host) are not allowed');
  if (!allowedOrigins.has(url.origin)) throw new PolicyRefusal('HOST_NOT_ALLOWED', `${url.origin} is not in this call's allowedHosts`);
  return url;
}

/** Resolves the URL's host and judges every address it resolves to. Throws PolicyRefusal. */
export async function resolveDestination(url: URL, rules: DestinationRules): Promise<Destination> {
  const addresses = await addressesOf(bareHostname(url), rules.resolveHost);
  const first = addresses[0];
  if (first === undefined) throw new PolicyRefusal('NETWORK_ERROR', `${url.hostname} did not resolve to any address`);
  // One internal answer is enough to refuse: a rebinding server may hand out both kinds.
  const internal = addresses.find(({ address }) => !isPublicAddress(address));
  if (internal !== undefined && !rules.privateOrigins.has(url.origin)) {
    throw new PolicyRefusal('PRIVATE_ADDRESS', `${url.origin} resolves to a private, loopback, link-local or reserved address (${internal.address})`);
  }
  return { url, pinned: first };
}

/** URL.hostname keeps the brackets of an IPv6 literal. */
function bareHostname(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

async function addressesOf(hostname: string, resolveHost: ResolveHost): Promise<ResolvedAddress[]> {
  const literal = isIP(hostname);
  if (literal !== 0) return [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  // Never ask DNS about localhost: resolvers may answer anything for it, and it always means this machine.
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return [{ address: '127.0.0.1', family: 4 }];
  let answers: ResolvedAddress[];
  try {
    answers = await resolveHost(hostname);
  } catch (error) {
    const reason = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'lookup failed';
    throw new PolicyRefusal('NETWORK_ERROR', `could not resolve ${hostname} (${reason})`);
  }
  // A resolver's answer is judged like any other input: anything that is not an IP address is dropped.
  return answers.filter((answer) => isIP(answer.address) === answer.family);
}

export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
