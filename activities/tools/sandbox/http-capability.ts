/**
 * The guest's `http` client (every level). The guest half, below, only shapes the
 * request into plain JSON and turns the host's JSON answer into a response object or
 * a coded Error; every decision (allow-list, DNS, redirects, secrets, size, time) is
 * taken on the host (http-gateway.ts), where the guest cannot reach it.
 *
 * The single host function, `send`, takes one JSON string and returns a promise that
 * resolves with one JSON string. It is passed to the factory as an argument, never
 * made a global, and the factory captures JSON, Promise and Reflect before the tool
 * runs, so replacing them later changes nothing for the client.
 */
import { readBoundedString } from './guest-values.js';
import { HTTP_CALL_LIMITS } from './http-limits.js';
import type { HostCapability } from './capability-target.js';
import { isGuestHttpRequest, type GuestHttpRequest } from './protocol.js';

const MAX_REQUEST_CHARS = HTTP_CALL_LIMITS.maxRequestChars;

const HTTP_FACTORY_SOURCE = `(function (send) {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const apply = Reflect.apply;
  const then = Promise.prototype.then;
  const PromiseCtor = Promise;
  const rejectWith = Promise.reject;
  const keys = Object.keys;
  const freeze = Object.freeze;
  const isArray = Array.isArray;
  const toText = String;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const SyntaxErrorCtor = SyntaxError;

  function coded(Ctor, code, message) {
    const error = new Ctor(message);
    error.code = code;
    return error;
  }
  function badRequest(message) {
    return coded(TypeErrorCtor, 'BAD_REQUEST', message);
  }
  function isScalar(value) {
    const kind = typeof value;
    return kind === 'string' || kind === 'number' || kind === 'boolean';
  }
  function pairsOf(object, what, skipNullish) {
    if (object === undefined || object === null) return [];
    if (typeof object !== 'object' || isArray(object)) throw badRequest(what + ' must be an object');
    const names = keys(object);
    const pairs = [];
    for (let i = 0; i < names.length; i++) {
      const value = object[names[i]];
      if (skipNullish && (value === undefined || value === null)) continue;
      if (!isScalar(value)) throw badRequest(what + '.' + names[i] + ' must be a string, number or boolean');
      pairs.push([names[i], toText(value)]);
    }
    return pairs;
  }
  function describe(options) {
    if (options === null || typeof options !== 'object') throw badRequest('http.request expects an options object');
    const method = options.method === undefined ? 'GET' : options.method;
    if (typeof method !== 'string') throw badRequest('method must be a string');
    if (typeof options.url !== 'string') throw badRequest('url must be a string');
    const headers = pairsOf(options.headers, 'headers', false);
    const query = pairsOf(options.query, 'query', true);
    const description = { method: method, url: options.url, headers: headers, query: query };
    const body = options.body;
    if (body !== undefined) {
      if (typeof body === 'string') {
        description.body = body;
      } else {
        description.body = stringify(body);
        if (typeof description.body !== 'string') throw badRequest('body cannot be encoded as JSON');
        let typed = false;
        for (let i = 0; i < headers.length; i++) if (headers[i][0].toLowerCase() === 'content-type') typed = true;
        if (!typed) headers.push(['content-type', 'application/json']);
      }
    }
    if (options.auth !== undefined) {
      if (typeof options.auth !== 'string') throw badRequest('auth must be the name of a secret');
      description.auth = options.auth;
    }
    return description;
  }
  function toResponse(reply) {
    const body = reply.body;
    return {
      status: reply.status,
      headers: reply.headers,
      body: body,
      json: function () {
        try {
          return parse(body);
        } catch (error) {
          throw new SyntaxErrorCtor('response body is not JSON');
        }
      },
    };
  }
  function onReply(text) {
    const reply = parse(text);
    if (!reply.ok) throw coded(ErrorCtor, reply.code, reply.message);
    return toResponse(reply);
  }
  function request(options) {
    let text;
    try {
      text = stringify(describe(options));
    } catch (error) {
      return apply(rejectWith, PromiseCtor, [error]);
    }
    return apply(then, send(text), [onReply]);
  }
  function pick(options, method, url, body) {
    const o = options === undefined || options === null ? {} : options;
    return { method: method, url: url, body: body, headers: o.headers, query: o.query, auth: o.auth };
  }
  return freeze({
    request: request,
    get: function (url, options) { return request(pick(options, 'GET', url, undefined)); },
    post: function (url, body, options) { return request(pick(options, 'POST', url, body)); },
  });
})`;

export const httpClient: HostCapability = {
  name: 'http',
  install({ context, scope, broker }) {
    const send = scope.manage(
      context.newFunction('send', (descriptionHandle) => {
        const deferred = scope.manage(context.newPromise());
        const refusal = broker.refusalForNext();
        if (refusal !== undefined) {
          broker.answerLocally(deferred, { ok: false, code: 'TOO_MANY_REQUESTS', message: refusal });
          return deferred.handle.dup();
        }
        const request = parseRequest(readBoundedString(context, descriptionHandle, MAX_REQUEST_CHARS));
        if (request === undefined) {
          broker.answerLocally(deferred, { ok: false, code: 'BAD_REQUEST', message: `the request is larger than ${MAX_REQUEST_CHARS} characters` });
        } else {
          broker.send(request, deferred);
        }
        // The library disposes what a host function returns; the deferred keeps its own handle.
        return deferred.handle.dup();
      }),
    );
    const factory = scope.manage(context.unwrapResult(context.evalCode(HTTP_FACTORY_SOURCE, 'sandbox-http.js')));
    const client = scope.manage(context.unwrapResult(context.callFunction(factory, context.undefined, send)));
    context.setProp(context.global, 'http', client);
  },
};

function parseRequest(text: string | undefined): GuestHttpRequest | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isGuestHttpRequest(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
