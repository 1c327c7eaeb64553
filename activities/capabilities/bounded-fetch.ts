/**
 * GET with the limits discovery needs against URLs that callers supply: http(s) only,
 * a deadline, a cap on the body (read as a stream, so a huge response is cut off
 * rather than buffered), and errors that name the URL.
 */
import { exchange } from '../tools/sandbox/http-exchange.js';
import { PolicyRefusal, type Destination } from '../tools/sandbox/http-policy.js';

/** Says why a URL may not be fetched (e.g. it resolves to a private network), or undefined when it may. */
export type UrlCheck = (url: string) => Promise<string | undefined> | string | undefined;

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** Applied to the URL and to every redirect target before it is requested. */
  checkUrl?: UrlCheck;
  /**
   * The address each hop must connect to, judged once: with it, the request goes through node:http(s) pinned to that
   * address (a DNS server cannot answer differently for the connection than for the check).
   */
  pin?: (url: string) => Promise<Destination>;
}

const MAX_REDIRECTS = 5;

export interface FetchedResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export class DiscoveryFetchError extends Error {
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = 'DiscoveryFetchError';
  }
}

export function requireHttpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DiscoveryFetchError(value, `not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DiscoveryFetchError(value, `only http and https URLs can be fetched, got ${url.protocol} in ${value}`);
  }
  return url;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici wraps the socket error (ECONNREFUSED, ENOTFOUND, ...) as the cause of "fetch failed".
  const cause = error.cause instanceof Error ? `: ${(error.cause as Error & { code?: unknown }).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new DiscoveryFetchError(url, `response from ${url} is ${declared} bytes; at most ${maxBytes} are read`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new DiscoveryFetchError(url, `response from ${url} exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

async function checked(target: string, checkUrl: UrlCheck | undefined): Promise<string> {
  const url = requireHttpUrl(target).toString();
  const refusal = checkUrl ? await checkUrl(url) : undefined;
  if (refusal !== undefined) throw new DiscoveryFetchError(url, `${url} may not be fetched: ${refusal}`);
  return url;
}

/**
 * Redirects are followed here, one hop at a time, rather than by fetch itself, so that
 * every hop passes the same checks as the first URL (a public URL must not be able
 * to bounce the request into a private network). Headers go only to the first origin.
 */
export async function fetchBounded(target: string, headers: Record<string, string>, limits: FetchLimits): Promise<FetchedResponse> {
  const first = await checked(target, limits.checkUrl);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = first;
  try {
    for (let hop = 0; ; hop++) {
      const sameOrigin = new URL(url).origin === new URL(first).origin;
      const requestHeaders = { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5', ...(sameOrigin ? headers : {}) };
      if (limits.pin) {
        const result = await exchange({ method: 'GET', destination: await limits.pin(url), headers: requestHeaders, body: undefined, maxResponseBytes: limits.maxBytes, signal });
        if (result.location !== undefined) {
          if (hop >= MAX_REDIRECTS) throw new DiscoveryFetchError(first, `GET ${first} redirected more than ${MAX_REDIRECTS} times`);
          url = await checked(new URL(result.location, url).toString(), limits.checkUrl);
          continue;
        }
        return { url, status: result.status, headers: new Headers(result.headers), text: new TextDecoder().decode(result.body ?? Buffer.alloc(0)) };
      }
      const response = await fetch(url, { method: 'GET', headers: requestHeaders, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new DiscoveryFetchError(first, `GET ${first} redirected more than ${MAX_REDIRECTS} times`);
        url = await checked(new URL(location, url).toString(), limits.checkUrl);
        continue;
      }
      const text = await readCapped(response, url, limits.maxBytes);
      return { url, status: response.status, headers: response.headers, text };
    }
  } catch (error) {
    if (error instanceof DiscoveryFetchError) throw error;
    if (signal.aborted || (error instanceof PolicyRefusal && error.code === 'HTTP_TIMEOUT')) throw new DiscoveryFetchError(url, `GET ${url} timed out after ${limits.timeoutMs} ms`);
    if (error instanceof PolicyRefusal && error.code === 'RESPONSE_TOO_LARGE') throw new DiscoveryFetchError(url, `response from ${url} exceeds ${limits.maxBytes} bytes`);
    if (error instanceof PolicyRefusal && error.code !== 'NETWORK_ERROR') throw new DiscoveryFetchError(url, `${url} may not be fetched: ${error.message}`);
    throw new DiscoveryFetchError(url, `GET ${url} failed: ${describeCause(error)}`);
  }
}
