/**
 * The host end of a tool's `http` client: one HttpSession per tool call, holding
 * that call's allow-list and deadline. Every request the guest makes comes here
 * (over the worker's message port) and is checked in full: URL shape, allow-list,
 * DNS + address policy, secrets binding, then again on every redirect hop.
 *
 * Answers are plain data (HttpReply); policy problems are `{ ok: false, code }`.
 * Secret values are only ever placed in outgoing request headers; no message this
 * file produces contains one.
 */
import { validateHeaderName, validateHeaderValue, type OutgoingHttpHeaders } from 'node:http';
import { exchange } from './http-exchange.js';
import { HTTP_CALL_LIMITS } from './http-limits.js';
import { checkUrl, clip, PolicyRefusal, resolveDestination, type DestinationRules, type ResolveHost } from './http-policy.js';
import { originSetOf } from './origins.js';
import type { GuestHttpRequest, HttpReply } from './protocol.js';

/** What SandboxOptions.secrets returns for a name the operator knows. */
export interface SecretBinding {
  /** The only origins the header may be sent to. */
  origins: string[];
  header: string;
  value: string;
}

export type SecretLookup = (name: string) => SecretBinding | undefined;

export interface HttpGatewayOptions {
  resolveHost: ResolveHost;
  privateOrigins: ReadonlySet<string>;
  secrets: SecretLookup | undefined;
  maxResponseBytes: number;
}

/** What one call contributes to its session. */
export interface SessionScope {
  allowedOrigins: ReadonlySet<string>;
  secretNames: ReadonlySet<string> | undefined;
  deadlineAt: number;
  /** The call's own cap, at most the gateway's. */
  maxResponseBytes: number;
}

const { maxRedirects: MAX_REDIRECTS, maxInFlight: MAX_IN_FLIGHT, maxRequestsPerCall: MAX_REQUESTS_PER_CALL } = HTTP_CALL_LIMITS;
const MAX_HEADERS = 100;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Set by the host from the request itself; a guest value would only confuse or smuggle. */
const HOST_OWNED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);
/** Dropped when a redirect leaves the origin, as browsers do. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie'];

export class HttpGateway {
  constructor(private readonly options: HttpGatewayOptions) {}

  openSession(call: SessionScope): HttpSession {
    const { secrets } = this.options;
    const { secretNames } = call;
    // A call sees only the secrets it names; one that names none has none (the safe default for a new caller).
    const scopedSecrets: SecretLookup | undefined = secrets === undefined ? undefined : (name) => (secretNames?.has(name) ? secrets(name) : undefined);
    const options = { ...this.options, secrets: scopedSecrets, maxResponseBytes: Math.min(call.maxResponseBytes, this.options.maxResponseBytes) };
    return new HttpSession(options, call.allowedOrigins, call.deadlineAt);
  }
}

export class HttpSession {
  private readonly ended = new AbortController();
  private inFlight = 0;
  private started = 0;
  private readonly rules: DestinationRules;

  constructor(
    private readonly options: HttpGatewayOptions,
    allowedOrigins: ReadonlySet<string>,
    private readonly deadlineAt: number,
  ) {
    this.rules = { allowedOrigins, privateOrigins: options.privateOrigins, resolveHost: options.resolveHost };
  }

  /** Never rejects. */
  async handle(request: GuestHttpRequest): Promise<HttpReply> {
    if (this.inFlight >= MAX_IN_FLIGHT) return refusal('TOO_MANY_REQUESTS', `at most ${MAX_IN_FLIGHT} requests may be in flight at once`);
    if (this.started >= MAX_REQUESTS_PER_CALL) return refusal('TOO_MANY_REQUESTS', `at most ${MAX_REQUESTS_PER_CALL} requests per call`);
    this.inFlight++;
    this.started++;
    const remainingMs = this.deadlineAt - Date.now();
    const aborted = new AbortController();
    const stop = (): void => aborted.abort();
    const timer = setTimeout(stop, Math.max(0, remainingMs));
    this.ended.signal.addEventListener('abort', stop);
    try {
      if (remainingMs <= 0) throw timedOut();
      return await Promise.race([this.perform(request, aborted.signal), whenAborted(aborted.signal)]);
    } catch (error) {
      if (error instanceof PolicyRefusal) return refusal(error.code, error.message);
      return refusal('NETWORK_ERROR', 'the request failed');
    } finally {
      clearTimeout(timer);
      this.ended.signal.removeEventListener('abort', stop);
      aborted.abort();
      this.inFlight--;
    }
  }

  /** The call is over: abort whatever is still running. */
  close(): void {
    this.ended.abort();
  }

  private async perform(request: GuestHttpRequest, signal: AbortSignal): Promise<HttpReply> {
    let method = request.method.toUpperCase();
    if (!METHODS.has(method)) throw new PolicyRefusal('BAD_REQUEST', `method ${clip(request.method, 20)} is not supported`);
    let url = checkUrl(request.url, undefined, this.rules.allowedOrigins);
    for (const [name, value] of request.query) url.searchParams.append(name, value);
    const headers = guestHeaders(request.headers);
    let body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    for (let hop = 0; ; hop++) {
      const destination = await resolveDestination(url, this.rules);
      const outgoing = { ...headers, ...this.authHeader(request.auth, url.origin) };
      const result = await exchange({ method, destination, headers: outgoing, body, maxResponseBytes: this.options.maxResponseBytes, signal });
      if (result.location === undefined) {
        return { ok: true, status: result.status, headers: result.headers, body: (result.body ?? Buffer.alloc(0)).toString('utf8') };
      }
      if (hop >= MAX_REDIRECTS) throw new PolicyRefusal('TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects`);
      const next = checkUrl(result.location, url, this.rules.allowedOrigins);
      if (next.origin !== url.origin) for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
      // 303 always, and 301/302 after a POST, continue as a GET without a body (what every client does).
      if ((result.status === 303 && method !== 'HEAD') || ((result.status === 301 || result.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
    }
  }

  /** The secret's header, only for one of the secret's own origins. */
  private authHeader(name: string | undefined, origin: string): OutgoingHttpHeaders {
    if (name === undefined) return {};
    const shownName = clip(name, 100);
    let binding: SecretBinding | undefined;
    let origins: ReadonlySet<string>;
    try {
      binding = this.options.secrets?.(name);
      if (binding === undefined) throw new PolicyRefusal('AUTH_NOT_ALLOWED', `no secret named "${shownName}" is available to tools`);
      origins = originSetOf(binding.origins, 'secret origins');
      validateHeaderName(binding.header);
      validateHeaderValue(binding.header, binding.value);
    } catch (error) {
      if (error instanceof PolicyRefusal) throw error;
      // Deliberately generic: the underlying error could quote the value.
      throw new PolicyRefusal('AUTH_NOT_ALLOWED', `secret "${shownName}" is not usable (misconfigured)`);
    }
    if (!origins.has(origin)) throw new PolicyRefusal('AUTH_NOT_ALLOWED', `secret "${shownName}" may not be sent to ${origin}`);
    return { [binding.header.toLowerCase()]: binding.value };
  }
}

function guestHeaders(pairs: [string, string][]): Record<string, string> {
  if (pairs.length > MAX_HEADERS) throw new PolicyRefusal('BAD_REQUEST', `at most ${MAX_HEADERS} headers`);
  const headers: Record<string, string> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      throw new PolicyRefusal('BAD_REQUEST', `header "${clip(rawName, 100)}" has an invalid name or value`);
    }
    if (HOST_OWNED_HEADERS.has(name)) throw new PolicyRefusal('BAD_REQUEST', `header "${name}" is set by the host`);
    headers[name] = value;
  }
  return headers;
}

function refusal(code: Extract<HttpReply, { ok: false }>['code'], message: string): HttpReply {
  return { ok: false, code, message };
}

function timedOut(): PolicyRefusal {
  return new PolicyRefusal('HTTP_TIMEOUT', "the request did not complete within the call's time limit");
}

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const onAbort = (): void => reject(timedOut());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
