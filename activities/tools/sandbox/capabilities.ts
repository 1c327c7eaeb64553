/**
 * Host functions a tool may call, granted per sandbox level.
 *
 * A capability is installed into a context *before* any tool code runs and is
 * built from fresh handles for that one context. Nothing is ever added to a
 * context that is already running tool code, and nothing is shared between
 * calls, so a grant cannot leak from one tool call into another.
 *
 * Each level is the level below plus its own entries: a capability is either in a
 * level's list or absent from the context altogether (`typeof data === 'undefined'`
 * at RESTRICTED), never present-but-refusing.
 */
import type { CapabilityTarget, HostCapability } from './capability-target.js';
import { dataDirectory } from './data-capability.js';
import { readBoundedString } from './guest-values.js';
import { base64Helpers, cryptoHelpers } from './helpers-capability.js';
import { httpClient } from './http-capability.js';
import { LOG_LIMITS } from './log-collector.js';
import { scratchDirectory } from './scratch-capability.js';
import type { SandboxLevel } from './types.js';

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

const RESTRICTED: readonly HostCapability[] = [consoleLog, httpClient];
const MODERATE: readonly HostCapability[] = [...RESTRICTED, dataDirectory, cryptoHelpers, base64Helpers];
const PERMISSIVE: readonly HostCapability[] = [...MODERATE, scratchDirectory];

const CAPABILITIES_BY_LEVEL: Record<SandboxLevel, readonly HostCapability[]> = { RESTRICTED, MODERATE, PERMISSIVE };

export function installGrantedCapabilities(level: SandboxLevel, target: CapabilityTarget): void {
  for (const capability of CAPABILITIES_BY_LEVEL[level]) capability.install(target);
}
