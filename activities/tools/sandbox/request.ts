/**
 * Host-side checks that happen before any thread is involved: which level and
 * limits apply, and whether the input can be expressed as JSON at all.
 */
import { isSandboxLevel, resolveLimits } from './limits.js';
import type { ToolCallMessage } from './protocol.js';
import type { SandboxError, SandboxRequest } from './types.js';

export type PreparedCall = { ok: true; call: Omit<ToolCallMessage, 'kind' | 'callId'> } | { ok: false; error: SandboxError };

/**
 * Programming errors in the request (wrong types, out-of-range limits) throw; problems
 * with the tool's input come back as INVALID_INPUT / MEMORY_LIMIT results.
 */
export function prepareCall(request: SandboxRequest): PreparedCall {
  const level = request.level ?? 'RESTRICTED';
  if (!isSandboxLevel(level)) throw new TypeError(`unknown sandbox level: ${String(level)}`);
  if (typeof request.code !== 'string') throw new TypeError('sandbox request code must be a string');
  const entry = request.entry ?? 'main';
  if (typeof entry !== 'string') throw new TypeError('sandbox request entry must be a string');
  const limits = resolveLimits(level, request.limits);

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

  return { ok: true, call: { code: request.code, entry, inputJson, level, limits } };
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
