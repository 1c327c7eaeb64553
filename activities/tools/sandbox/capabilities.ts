/**
 * Host functions a tool may call, granted per sandbox level.
 *
 * A capability is installed into a context *before* any tool code runs and is
 * built from fresh handles for that one context. Nothing is ever added to a
 * context that is already running tool code, and nothing is shared between
 * calls, so a grant cannot leak from one tool call into another.
 *
 * Today every level gets the same single capability (console.log into the call's
 * log buffer). Later levels add entries to CAPABILITIES_BY_LEVEL, never globals.
 */
import type { QuickJSContext, Scope } from 'quickjs-emscripten';
import { readBoundedString } from './guest-values.js';
import { LOG_LIMITS, type LogCollector } from './log-collector.js';
import type { SandboxLevel } from './types.js';

export interface CapabilityTarget {
  context: QuickJSContext;
  /** Owns every handle the capability creates; disposed with the call. */
  scope: Scope;
  logs: LogCollector;
}

export interface HostCapability {
  readonly name: string;
  install(target: CapabilityTarget): void;
}

/**
 * Formatting happens inside QuickJS (in the tool's own memory and CPU budget); the
 * host only ever receives one string per call, already clipped to maxLineChars.
 * It is a factory taking the host `emit` function as an argument, so `emit` is never
 * reachable as a global.
 */
const CONSOLE_FACTORY_SOURCE = `(function (emit, maxLineChars) {
  'use strict';
  const stringify = JSON.stringify;
  const toText = String;
  function format(value) {
    if (typeof value === 'string') return value;
    try {
      const json = stringify(value);
      if (typeof json === 'string') return json;
    } catch (_) { /* cycles, BigInt: fall back to String() */ }
    try { return toText(value); } catch (_) { return '[unprintable value]'; }
  }
  function log() {
    let line = '';
    for (let i = 0; i < arguments.length && line.length <= maxLineChars; i++) {
      line += (i === 0 ? '' : ' ') + format(arguments[i]);
    }
    emit(line.length > maxLineChars ? line.slice(0, maxLineChars) : line);
  }
  return { log: log };
})`;

const consoleLog: HostCapability = {
  name: 'console.log',
  install({ context, scope, logs }) {
    const emit = scope.manage(
      context.newFunction('emit', (lineHandle) => {
        const line = readBoundedString(context, lineHandle, LOG_LIMITS.maxLineChars);
        logs.append(line ?? '[sandbox] dropped a log line that was not a bounded string');
      }),
    );
    const factory = scope.manage(context.unwrapResult(context.evalCode(CONSOLE_FACTORY_SOURCE, 'sandbox-console.js')));
    const maxLineChars = scope.manage(context.newNumber(LOG_LIMITS.maxLineChars));
    const consoleObject = scope.manage(context.unwrapResult(context.callFunction(factory, context.undefined, emit, maxLineChars)));
    context.setProp(context.global, 'console', consoleObject);
  },
};

const CAPABILITIES_BY_LEVEL: Record<SandboxLevel, readonly HostCapability[]> = {
  RESTRICTED: [consoleLog],
  MODERATE: [consoleLog],
  PERMISSIVE: [consoleLog],
};

export function installGrantedCapabilities(level: SandboxLevel, target: CapabilityTarget): void {
  for (const capability of CAPABILITIES_BY_LEVEL[level]) capability.install(target);
}
