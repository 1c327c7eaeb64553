/**
 * Synchronous host functions grouped under one guest global (data, scratch, crypto,
 * base64), all built the same way so that each is as small as its own logic.
 *
 * The guest receives only guest functions: each calls the single host function
 * `invoke(name, a, b)`, which accepts strings only (anything else is BAD_ARGUMENT, read
 * with a size bound, NUL characters refused) and answers with one JSON string. The guest half turns a failure
 * into a *fresh guest* Error carrying `.code`; a host exception or object never crosses.
 */
import { readBoundedString, readExactString } from './guest-values.js';
import type { CapabilityTarget } from './capability-target.js';
import type { HostErrorCode } from './types.js';

export type HostOutcome = { ok: true; value: unknown } | { ok: false; code: HostErrorCode; message: string };

/** Arguments arrive as strings; `undefined` means the guest left the argument out. */
export type HostMethod = (args: readonly (string | undefined)[]) => HostOutcome;

export function fail(code: HostErrorCode, message: string): HostOutcome {
  return { ok: false, code, message };
}

const BRIDGE_FACTORY_SOURCE = `(function (invoke, namesJson) {
  'use strict';
  const parse = JSON.parse;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const names = parse(namesJson);
  const api = {};
  function method(name) {
    return function (a, b) {
      const reply = parse(invoke(name, a, b));
      if (reply.ok) return reply.value;
      const error = new (reply.code === 'BAD_ARGUMENT' ? TypeErrorCtor : ErrorCtor)(reply.message);
      error.code = reply.code;
      throw error;
    };
  }
  for (let i = 0; i < names.length; i++) api[names[i]] = method(names[i]);
  return Object.freeze(api);
})`;

export function installHostObject(
  { context, scope, traffic }: CapabilityTarget,
  globalName: string,
  methods: Readonly<Record<string, HostMethod>>,
  maxArgumentChars: number,
): void {
  const invoke = scope.manage(
    context.newFunction('invoke', (nameHandle, ...argHandles) => {
      const name = readBoundedString(context, nameHandle, 100);
      const method = name === undefined || !Object.hasOwn(methods, name) ? undefined : methods[name];
      let outcome: HostOutcome;
      if (method === undefined) {
        outcome = fail('BAD_ARGUMENT', 'unknown host function');
      } else {
        const args: (string | undefined)[] = [];
        let bad = false;
        for (const handle of argHandles.slice(0, 2)) {
          if (context.typeof(handle) === 'undefined') {
            args.push(undefined);
            continue;
          }
          const text = readExactString(context, handle, maxArgumentChars);
          if (text === undefined) bad = true;
          args.push(text);
        }
        outcome = bad ? fail('BAD_ARGUMENT', `${globalName}.${name} takes string arguments (without NUL characters) of at most ${maxArgumentChars} characters`) : runSafely(method, args);
      }
      traffic.copiedIntoGuest = true;
      return context.newString(JSON.stringify(outcome));
    }),
  );
  const factory = scope.manage(context.unwrapResult(context.evalCode(BRIDGE_FACTORY_SOURCE, `sandbox-${globalName}.js`)));
  const names = scope.manage(context.newString(JSON.stringify(Object.keys(methods))));
  const api = scope.manage(context.unwrapResult(context.callFunction(factory, context.undefined, invoke, names)));
  context.setProp(context.global, globalName, api);
}

/** A host function that throws is a bug on our side; the guest still only sees a coded error. */
function runSafely(method: HostMethod, args: readonly (string | undefined)[]): HostOutcome {
  try {
    return method(args);
  } catch {
    return fail('NOT_FOUND', 'the host could not complete the operation');
  }
}
