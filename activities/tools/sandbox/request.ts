/**
 * Host-side checks that happen before any thread is involved: which level and
 * limits apply, and whether the input can be expressed as JSON at all.
 */
import { isSandboxLevel, resolveLimits, type LimitsByLevel } from './limits.js';
import { parseOrigin } from './origins.js';
import type { ToolCallMessage } from './protocol.js';
import type { SandboxError, SandboxRequest } from './types.js';

/** The part of a call the worker thread needs, plus what stays on the host (the HTTP allow-list). */
export interface PreparedCallParts {
  message: Omit<ToolCallMessage, 'kind' | 'callId' | 'grants'>;
  allowedOrigins: ReadonlySet<string>;
  /** Undefined: every secret the operator's lookup knows. */
  secretNames: ReadonlySet<string> | undefined;
}

export type PreparedCall = ({ ok: true } & PreparedCallParts) | { ok: false; error: SandboxError };

/** A cap on allow-list length keeps the per-request check trivially cheap. */
const MAX_ALLOWED_HOSTS = 100;

/**
 * Programming errors in the request (wrong types, out-of-range limits) throw; problems
 * with the tool's input come back as INVALID_INPUT / MEMORY_LIMIT results.
 */
export function prepareCall(request: SandboxRequest, operatorLimits: LimitsByLevel = {}): PreparedCall {
  const level = request.level ?? 'RESTRICTED';
  if (!isSandboxLevel(level)) throw new TypeError(`unknown sandbox level: ${String(level)}`);
  if (typeof request.code !== 'string') throw new TypeError('sandbox request code must be a string');
  const entry = request.entry ?? 'main';
  if (typeof entry !== 'string') throw new TypeError('sandbox request entry must be a string');
  const limits = resolveLimits(level, request.limits, operatorLimits);
  const allowed = parseAllowedHosts(request.allowedHosts);
  if ('problem' in allowed) return { ok: false, error: { code: 'INVALID_INPUT', message: allowed.problem } };
  const secretNames = request.secretNames;
  if (secretNames !== undefined && (!Array.isArray(secretNames) || !secretNames.every((name) => typeof name === 'string'))) {
    throw new TypeError('sandbox request secretNames must be an array of strings');
  }
  // One plain path segment: it names a directory under the data root, never a way out of it.
  if (request.dataScope !== undefined && (typeof request.dataScope !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(request.dataScope))) {
    throw new TypeError('sandbox request dataScope must be a single path segment');
  }

  const inputJson = serialiseInput(request.input);
  if (typeof inputJson !== 'string') return { ok: false, error: { code: 'INVALID_INPUT', message: inputJson.problem } };

  // Code and input are copied into the WASM heap by the host before QuickJS's own
  // checks apply, and quickjs-emscripten does not check every host-side allocation.
  // Keeping them to a quarter of the budget leaves room for QuickJS to parse them.
  const copyBudget = limits.memoryBytes / 4;
  const inputBytes = Buffer.byteLength(inputJson, 'utf8');
  if (inputBytes > copyBudget) {
    const message = `input JSON is ${inputBytes} bytes; at most ${copyBudget} (a quarter of memoryBytes) is accepted`;
    return { ok: false, error: { code: 'INVALID_INPUT', message } };
  }
  const codeBytes = Buffer.byteLength(request.code, 'utf8');
  if (codeBytes > copyBudget) {
    const message = `tool source is ${codeBytes} bytes; at most ${copyBudget} (a quarter of memoryBytes) is accepted`;
    return { ok: false, error: { code: 'MEMORY_LIMIT', message } };
  }

  return {
    ok: true,
    message: { code: request.code, entry, inputJson, level, limits },
    allowedOrigins: allowed.origins,
    secretNames: secretNames === undefined ? undefined : new Set(secretNames),
  };
}

/**
 * allowedHosts usually comes from a tool's manifest or a task, so a bad entry is
 * reported as INVALID_INPUT (with the offending entry) rather than thrown.
 */
function parseAllowedHosts(entries: unknown): { origins: ReadonlySet<string> } | { problem: string } {
  if (entries === undefined) return { origins: new Set() };
  if (!Array.isArray(entries)) return { problem: 'allowedHosts must be an array of origins' };
  if (entries.length > MAX_ALLOWED_HOSTS) return { problem: `allowedHosts has ${entries.length} entries; at most ${MAX_ALLOWED_HOSTS} are accepted` };
  const origins = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const parsed = parseOrigin(entry);
    if ('problem' in parsed) return { problem: `allowedHosts[${index}]: ${parsed.problem}` };
    origins.add(parsed.origin);
  }
  return { origins };
}

/**
 * Stricter than plain JSON.stringify, which would silently drop functions and turn
 * NaN into null: the tool must see exactly the value the caller meant.
 * Undefined object properties are dropped as usual (that is how JSON spells "absent").
 * Keep in step with serialiseOutput in guest-harness.ts.
 */
export function serialiseInput(input: unknown): string | { problem: string } {
  const rejectNonJson = (key: string, value: unknown): unknown => {
    const kind = typeof value;
    if (kind === 'function' || kind === 'symbol') throw new TypeError(`input contains a ${kind} at key "${key}"`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`input contains a non-finite number at key "${key}"`);
    return value;
  };
  try {
    const json: unknown = JSON.stringify(input, rejectNonJson);
    if (typeof json === 'string') return json;
    return { problem: `input is ${input === undefined ? 'undefined' : `a ${typeof input}`}, which is not a JSON value` };
  } catch (error) {
    return { problem: `input is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
