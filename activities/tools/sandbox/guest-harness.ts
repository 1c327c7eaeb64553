/**
 * Trusted helper functions that live inside each QuickJS context.
 *
 * They are evaluated *before* the tool's code, as an expression that is never
 * assigned to a global, so the tool can neither reach nor replace them, and they
 * hold on to the original JSON.parse / JSON.stringify even if the tool later
 * overwrites the globals. JSON in and out is therefore always done by QuickJS's
 * own implementation, inside the tool's memory and CPU budget.
 */
import type { QuickJSContext, QuickJSHandle, Scope } from 'quickjs-emscripten';

/** Keep in step with the host-side rule in request.ts (serialiseInput). */
const HARNESS_SOURCE = `(function () {
  'use strict';
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const ErrorBase = Error;
  const toText = String;
  const isFiniteNumber = Number.isFinite;
  const PromiseCtor = Promise;
  const promiseResolve = Promise.resolve;
  const apply = Reflect.apply;

  function rejectNonJson(key, value) {
    const kind = typeof value;
    if (kind === 'function' || kind === 'symbol') {
      throw new TypeError('output contains a ' + kind + ' at key "' + key + '"');
    }
    if (kind === 'number' && !isFiniteNumber(value)) {
      throw new TypeError('output contains a non-finite number at key "' + key + '"');
    }
    return value;
  }

  function clip(text, maxChars) {
    return text.length > maxChars ? text.slice(0, maxChars) + '...' : text;
  }

  return {
    parseInput: function (json) { return parse(json); },

    // Whatever the entry returned, as a native promise of this realm: a thenable is
    // adopted by the guest's own Promise machinery (as a job, in the guest's budget),
    // so the host only ever inspects a real promise's state.
    toPromise: function (value) { return apply(promiseResolve, PromiseCtor, [value]); },

    serialiseOutput: function (value) {
      if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
        // Unreachable for a settled promise's value unless a getter changed its mind about \`then\`.
        throw new TypeError('entry resolved to a thenable, which is not a JSON value');
      }
      const json = stringify(value, rejectNonJson);
      if (typeof json !== 'string') {
        throw new TypeError('entry returned ' + (value === undefined ? 'undefined' : 'a ' + typeof value) + ', which is not a JSON value');
      }
      return json;
    },

    describeError: function (error) {
      let name = 'Thrown value';
      let message;
      try {
        if (error instanceof ErrorBase) {
          name = toText(error.name);
          // Host errors carry a code (HOST_NOT_ALLOWED, ...); keep it visible when the tool does not catch them.
          if (typeof error.code === 'string') name = name + ' [' + error.code + ']';
          message = toText(error.message);
        } else if (typeof error === 'object' && error !== null) {
          message = stringify(error) ?? toText(error);
        } else {
          message = toText(error);
        }
      } catch (_) {
        message = '(the thrown value could not be converted to text)';
      }
      return stringify([clip(name, 200), clip(message, 2000)]);
    },
  };
})()`;

/** describeError clips to 200 + 2000 chars; anything longer means the guest tampered with String.prototype. */
export const MAX_DESCRIPTION_CHARS = 8 * 1024;

export interface GuestHarness {
  parseInput: QuickJSHandle;
  serialiseOutput: QuickJSHandle;
  describeError: QuickJSHandle;
  toPromise: QuickJSHandle;
}

export function installHarness(context: QuickJSContext, scope: Scope): GuestHarness {
  const harness = scope.manage(context.unwrapResult(context.evalCode(HARNESS_SOURCE, 'sandbox-harness.js')));
  return {
    parseInput: scope.manage(context.getProp(harness, 'parseInput')),
    serialiseOutput: scope.manage(context.getProp(harness, 'serialiseOutput')),
    describeError: scope.manage(context.getProp(harness, 'describeError')),
    toPromise: scope.manage(context.getProp(harness, 'toPromise')),
  };
}
