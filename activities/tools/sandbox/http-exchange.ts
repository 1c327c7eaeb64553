/**
 * One HTTP exchange (a single hop, no redirects) to an address the policy already
 * approved. node:http/https rather than fetch, because only they let us hand the
 * socket the address to connect to (a `lookup` that answers with the pinned address
 * without asking DNS) while the URL's host name is still used for the Host header
 * and TLS certificate checks. No agent, so no connection is reused across calls.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { PolicyRefusal, type Destination } from './http-policy.js';

export interface Exchange {
  method: string;
  destination: Destination;
  headers: OutgoingHttpHeaders;
  body: Buffer | undefined;
  maxResponseBytes: number;
  /** Aborts the exchange: the call's deadline passed or the call ended. */
  signal: AbortSignal;
}

export interface ExchangeResult {
  status: number;
  headers: Record<string, string>;
  /** Undefined for redirects, whose body is discarded unread. */
  body: Buffer | undefined;
  location: string | undefined;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

function pinnedLookup({ pinned }: Destination): LookupFunction {
  // Node asks with `all: true` when it may try several addresses (autoSelectFamily); both shapes answer the same single address.
  return (_hostname, options, callback) => {
    if (options.all === true) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

export function exchange(spec: Exchange): Promise<ExchangeResult> {
  const { url } = spec.destination;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<ExchangeResult>((resolve, reject) => {
    const fail = (error: PolicyRefusal): void => {
      reject(error);
      request.destroy();
    };
    const request = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: spec.method,
        headers: spec.headers,
        agent: false,
        lookup: pinnedLookup(spec.destination),
        signal: spec.signal,
      },
      (response) => readResponse(response, spec.maxResponseBytes).then(resolve, (error: PolicyRefusal) => fail(error)),
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (spec.signal.aborted) reject(new PolicyRefusal('HTTP_TIMEOUT', `${spec.method} ${url.origin} did not complete within the call's time limit`));
      // Only the error code: a low-level message could quote request details.
      else reject(new PolicyRefusal('NETWORK_ERROR', `${spec.method} ${url.origin} failed (${error.code ?? 'connection error'})`));
    });
    request.end(spec.body);
  });
}

function readResponse(response: IncomingMessage, maxBytes: number): Promise<ExchangeResult> {
  const status = response.statusCode ?? 0;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const location = isRedirect(status) ? headers.location : undefined;
  if (location !== undefined) {
    response.resume();
    return Promise.resolve({ status, headers, body: undefined, location });
  }
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise<ExchangeResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        reject(tooLarge(maxBytes));
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks), location: undefined }));
    // A reset or abort after the headers; a no-op if the body was already complete.
    response.on('error', () => reject(new PolicyRefusal('NETWORK_ERROR', 'the connection failed while reading the response')));
  });
}

function tooLarge(maxBytes: number): PolicyRefusal {
  return new PolicyRefusal('RESPONSE_TOO_LARGE', `the response body is larger than ${maxBytes} bytes`);
}
