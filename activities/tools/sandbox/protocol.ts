/**
 * Messages between the host (sandbox.ts / tool-thread.ts) and the worker thread
 * (worker-thread.ts). Both ends receive `unknown` from postMessage, so each side
 * narrows what it receives with the guards below instead of trusting a cast.
 */
import { isSandboxLevel } from './limits.js';
import type { HostErrorCode, SandboxError, SandboxErrorCode, SandboxLevel, SandboxLimits } from './types.js';

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
  grants: FileGrants;
}

/**
 * Where the level's file capabilities point, decided by the host. Only the levels
 * that have a capability get its directory (see capabilities.ts).
 */
export interface FileGrants {
  /** MODERATE and up: the operator's read-only data directory (absent if none is configured). */
  dataDir?: string;
  /** PERMISSIVE: this call's own scratch directory, created and removed by the host. */
  scratchDir?: string;
  /** Largest file data.read / scratch.read returns. */
  maxFileBytes: number;
  /** Total bytes the call may keep in its scratch directory. */
  scratchQuotaBytes: number;
}

/** Worker → host: one request made by the guest's \`http\` client; the host applies the whole policy. */
export interface HttpRequestMessage {
  kind: 'http';
  callId: number;
  requestId: number;
  request: GuestHttpRequest;
}

export interface GuestHttpRequest {
  method: string;
  url: string;
  headers: [string, string][];
  query: [string, string][];
  body?: string;
  /** The name of a secret; the host injects its header only for the secret's own origins. */
  auth?: string;
}

/** Host → worker: the answer to one HttpRequestMessage. Never contains a secret's value. */
export interface HttpReplyMessage {
  kind: 'http-reply';
  callId: number;
  requestId: number;
  reply: HttpReply;
}

export type HttpReply =
  | { ok: true; status: number; headers: Record<string, string>; body: string }
  | { ok: false; code: HostErrorCode; message: string };

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

export type WorkerToHostMessage = ThreadReadyMessage | ToolResultMessage | HttpRequestMessage;
export type HostToWorkerMessage = ToolCallMessage | HttpReplyMessage;

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

function isStringPairs(value: unknown): value is [string, string][] {
  return Array.isArray(value) && value.every((pair) => Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string');
}

function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function isFileGrants(value: unknown): value is FileGrants {
  return (
    isRecord(value) &&
    isOptionalString(value.dataDir) &&
    isOptionalString(value.scratchDir) &&
    typeof value.maxFileBytes === 'number' &&
    typeof value.scratchQuotaBytes === 'number'
  );
}

export function isGuestHttpRequest(value: unknown): value is GuestHttpRequest {
  return (
    isRecord(value) &&
    typeof value.method === 'string' &&
    typeof value.url === 'string' &&
    isStringPairs(value.headers) &&
    isStringPairs(value.query) &&
    isOptionalString(value.body) &&
    isOptionalString(value.auth)
  );
}

function isHttpReply(value: unknown): value is HttpReply {
  if (!isRecord(value)) return false;
  if (value.ok === true) {
    return typeof value.status === 'number' && typeof value.body === 'string' && isRecord(value.headers) && Object.values(value.headers).every((v) => typeof v === 'string');
  }
  return value.ok === false && typeof value.code === 'string' && typeof value.message === 'string';
}

export function isHttpReplyMessage(value: unknown): value is HttpReplyMessage {
  return isRecord(value) && value.kind === 'http-reply' && typeof value.callId === 'number' && typeof value.requestId === 'number' && isHttpReply(value.reply);
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
    isSandboxLimits(value.limits) &&
    isFileGrants(value.grants)
  );
}

export function isWorkerToHostMessage(value: unknown): value is WorkerToHostMessage {
  if (!isRecord(value)) return false;
  if (value.kind === 'ready') return true;
  if (value.kind === 'http') {
    return typeof value.callId === 'number' && typeof value.requestId === 'number' && isGuestHttpRequest(value.request);
  }
  return (
    value.kind === 'result' &&
    typeof value.callId === 'number' &&
    isGuestOutcome(value.outcome) &&
    isStringArray(value.logs) &&
    typeof value.threadUnusable === 'boolean'
  );
}
