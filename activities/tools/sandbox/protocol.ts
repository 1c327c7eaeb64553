/**
 * Messages between the host (sandbox.ts / tool-thread.ts) and the worker thread
 * (worker-thread.ts). Both ends receive `unknown` from postMessage, so each side
 * narrows what it receives with the guards below instead of trusting a cast.
 */
import { isSandboxLevel } from './limits.js';
import type { SandboxError, SandboxErrorCode, SandboxLevel, SandboxLimits } from './types.js';

/** Host → worker: run one tool call in a fresh QuickJS runtime + context. */
export interface ToolCallMessage {
  kind: 'call';
  callId: number;
  code: string;
  entry: string;
  /** Already validated on the host; parsed again inside QuickJS. */
  inputJson: string;
  level: SandboxLevel;
  limits: SandboxLimits;
}

/** What happened inside QuickJS. The output stays a JSON string until the host parses it. */
export type GuestOutcome = { ok: true; outputJson: string } | { ok: false; error: SandboxError };

/** Worker → host: sent once, after the WASM module has loaded. */
export interface ThreadReadyMessage {
  kind: 'ready';
}

/** Worker → host: the answer to one ToolCallMessage. */
export interface ToolResultMessage {
  kind: 'result';
  callId: number;
  outcome: GuestOutcome;
  logs: string[];
  /** The WASM module may be corrupted (abort, native stack overflow); the host must retire this thread. */
  threadUnusable: boolean;
}

export type WorkerToHostMessage = ThreadReadyMessage | ToolResultMessage;

const ERROR_CODES: readonly SandboxErrorCode[] = [
  'SYNTAX_ERROR',
  'NO_ENTRY',
  'TOOL_ERROR',
  'TIMEOUT',
  'MEMORY_LIMIT',
  'OUTPUT_TOO_LARGE',
  'INVALID_INPUT',
  'INVALID_OUTPUT',
  'SANDBOX_CRASH',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isSandboxError(value: unknown): value is SandboxError {
  return (
    isRecord(value) &&
    typeof value.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(value.code) &&
    typeof value.message === 'string'
  );
}

function isGuestOutcome(value: unknown): value is GuestOutcome {
  if (!isRecord(value)) return false;
  if (value.ok === true) return typeof value.outputJson === 'string';
  return value.ok === false && isSandboxError(value.error);
}

function isSandboxLimits(value: unknown): value is SandboxLimits {
  return (
    isRecord(value) &&
    typeof value.timeoutMs === 'number' &&
    typeof value.memoryBytes === 'number' &&
    typeof value.maxStackBytes === 'number' &&
    typeof value.maxOutputBytes === 'number'
  );
}

export function isToolCallMessage(value: unknown): value is ToolCallMessage {
  return (
    isRecord(value) &&
    value.kind === 'call' &&
    typeof value.callId === 'number' &&
    typeof value.code === 'string' &&
    typeof value.entry === 'string' &&
    typeof value.inputJson === 'string' &&
    isSandboxLevel(value.level) &&
    isSandboxLimits(value.limits)
  );
}

export function isWorkerToHostMessage(value: unknown): value is WorkerToHostMessage {
  if (!isRecord(value)) return false;
  if (value.kind === 'ready') return true;
  return (
    value.kind === 'result' &&
    typeof value.callId === 'number' &&
    isGuestOutcome(value.outcome) &&
    isStringArray(value.logs) &&
    typeof value.threadUnusable === 'boolean'
  );
}
