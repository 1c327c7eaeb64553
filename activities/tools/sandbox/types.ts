/**
 * Public types of the tool sandbox: what a caller sends in, what comes back.
 *
 * Everything here is plain data so it can cross the worker-thread boundary
 * (structured clone) and be recorded in Temporal activity results unchanged.
 */
import type { ToolLevel } from '../../../core/tools/tool.js';

/** How much the tool is trusted; decides its resource limits and which host functions it gets. */
export type SandboxLevel = ToolLevel;

export interface SandboxLimits {
  /** CPU deadline inside QuickJS; the host also kills the thread at timeoutMs + a grace period. */
  timeoutMs: number;
  /** Memory the tool may use. Enforced by QuickJS's allocator limit AND a hard cap on the WASM heap (see wasm-module.ts). */
  memoryBytes: number;
  /** QuickJS stack limit; deep recursion fails cleanly with MEMORY_LIMIT instead of overflowing the thread. */
  maxStackBytes: number;
  /** Size cap of the JSON-encoded (UTF-8) output. */
  maxOutputBytes: number;
}

const MiB = 1024 * 1024;
const KiB = 1024;

export const DEFAULT_LIMITS: Record<SandboxLevel, SandboxLimits> = {
  RESTRICTED: { timeoutMs: 30_000, memoryBytes: 64 * MiB, maxStackBytes: 256 * KiB, maxOutputBytes: 1 * MiB },
  MODERATE: { timeoutMs: 60_000, memoryBytes: 128 * MiB, maxStackBytes: 512 * KiB, maxOutputBytes: 1 * MiB },
  PERMISSIVE: { timeoutMs: 300_000, memoryBytes: 256 * MiB, maxStackBytes: 1 * MiB, maxOutputBytes: 1 * MiB },
};

export interface SandboxRequest {
  /** A script (not a module) that defines the entry function at top level. */
  code: string;
  /** Name of the entry function; default 'main'. */
  entry?: string;
  /** Any JSON value; it is re-parsed inside QuickJS, so the tool never sees host objects. */
  input: unknown;
  /** Default 'RESTRICTED'. */
  level?: SandboxLevel;
  /** Overrides on top of the level's limits (DEFAULT_LIMITS[level] + SandboxOptions.limitsByLevel). */
  limits?: Partial<SandboxLimits>;
  /**
   * Origins the tool's `http` client may reach, e.g. `https://api.example.com` or
   * `http://127.0.0.1:4010`. Default none: every request is refused.
   */
  allowedHosts?: string[];
  /**
   * Names of the operator's secrets this call may use with `auth` (e.g. only those its
   * tenant is entitled to). Default: none.
   */
  secretNames?: string[];
  /**
   * The subdirectory of the data directory this call may read (MODERATE and up): the tenant's own, so one tenant's
   * tool never reads what the operator placed there for another. A single path segment.
   */
  dataScope?: string;
}

export type SandboxErrorCode =
  | 'SYNTAX_ERROR'
  | 'NO_ENTRY'
  | 'TOOL_ERROR'
  | 'TIMEOUT'
  | 'MEMORY_LIMIT'
  | 'OUTPUT_TOO_LARGE'
  | 'INVALID_INPUT'
  | 'INVALID_OUTPUT'
  | 'SANDBOX_CRASH';

/**
 * The \`.code\` of the errors host functions raise inside the guest. They are guest
 * Error objects; only network/policy/file problems use them (an HTTP 404 resolves).
 */
export type HostErrorCode =
  | 'HOST_NOT_ALLOWED'
  | 'PRIVATE_ADDRESS'
  | 'BAD_URL'
  | 'BAD_REQUEST'
  | 'NETWORK_ERROR'
  | 'HTTP_TIMEOUT'
  | 'RESPONSE_TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'TOO_MANY_REQUESTS'
  | 'AUTH_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'PATH_OUTSIDE'
  | 'FILE_TOO_LARGE'
  | 'QUOTA_EXCEEDED'
  | 'BAD_ARGUMENT';

export interface SandboxError {
  code: SandboxErrorCode;
  message: string;
}

export type SandboxResult =
  | { ok: true; output: unknown; durationMs: number; logs: string[] }
  | { ok: false; error: SandboxError; durationMs: number; logs: string[] };
