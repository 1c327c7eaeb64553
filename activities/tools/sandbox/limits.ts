/**
 * Turning a request's level + partial overrides into concrete, validated limits.
 * Host side only.
 */
import { TOOL_LEVELS } from '../../../core/tools/tool.js';
import { DEFAULT_LIMITS, type SandboxLevel, type SandboxLimits } from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;

export const SANDBOX_LEVELS: readonly SandboxLevel[] = TOOL_LEVELS;

/**
 * The largest QuickJS stack a request may ask for. The worker thread's native stack
 * is sized from this (see WORKER_NATIVE_STACK_MB), so raising it is not free.
 */
export const MAX_STACK_BYTES = 1 * MiB;

/**
 * QuickJS only measures its own (emscripten, in-linear-memory) stack, but every
 * interpreted or parsed level also consumes native V8 stack for the WASM frames. If
 * the native stack runs out first, V8 throws inside WASM and the module is left
 * corrupted (we then retire the thread, but the call is lost as SANDBOX_CRASH).
 * Measured on Node 20 with quickjs-emscripten 0.32, the worst case is the parser:
 * 100,000 nested parentheses with a 1 MiB QuickJS stack overflowed 24 MB of native
 * stack but not 48 MB. Runtime recursion (calls, JSON, proxies, toString) needs far
 * less. Hence 48x the largest QuickJS stack, plus headroom for Node itself; it is
 * address space reserved per thread, committed only as it is used.
 */
export const WORKER_NATIVE_STACK_MB = (48 * MAX_STACK_BYTES) / MiB + 16;

interface Bounds {
  min: number;
  max: number;
}

const LIMIT_BOUNDS: Record<keyof SandboxLimits, Bounds> = {
  timeoutMs: { min: 1, max: 30 * 60_000 },
  // Below ~1 MiB QuickJS cannot even build a context; above 1 GiB the WASM heap
  // (initial 16 MiB + this) approaches the 2 GiB wasm32 ceiling.
  memoryBytes: { min: 1 * MiB, max: 1024 * MiB },
  maxStackBytes: { min: 16 * KiB, max: MAX_STACK_BYTES },
  maxOutputBytes: { min: 1, max: 64 * MiB },
};

export function isSandboxLevel(value: unknown): value is SandboxLevel {
  return typeof value === 'string' && (SANDBOX_LEVELS as readonly string[]).includes(value);
}

/**
 * Invalid limits are a bug in the caller (not in the tool), so they throw instead
 * of becoming a SandboxResult.
 */
export function resolveLimits(
  level: SandboxLevel,
  overrides: Partial<SandboxLimits> | undefined,
  operatorDefaults: LimitsByLevel = {},
): SandboxLimits {
  const limits: SandboxLimits = { ...DEFAULT_LIMITS[level], ...definedEntriesOf(operatorDefaults[level]), ...definedEntriesOf(overrides) };
  for (const key of Object.keys(LIMIT_BOUNDS) as (keyof SandboxLimits)[]) {
    const value = limits[key];
    const { min, max } = LIMIT_BOUNDS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`sandbox limit ${key}=${String(value)} must be an integer in [${min}, ${max}]`);
    }
  }
  return limits;
}

/** The operator's per-level defaults (SandboxOptions.limitsByLevel), applied between DEFAULT_LIMITS and a request's own limits. */
export type LimitsByLevel = Partial<Record<SandboxLevel, Partial<SandboxLimits>>>;

/** Checked once when the Sandbox is created, so a bad configuration fails at startup, not on the first call. */
export function validateLimitsByLevel(byLevel: LimitsByLevel): void {
  for (const key of Object.keys(byLevel)) {
    if (!isSandboxLevel(key)) throw new RangeError(`limitsByLevel has an unknown sandbox level: ${key}`);
    resolveLimits(key, undefined, byLevel);
  }
}

/** `{ timeoutMs: undefined }` must mean "use the default", not "no limit". */
function definedEntriesOf(overrides: Partial<SandboxLimits> | undefined): Partial<SandboxLimits> {
  if (overrides === undefined) return {};
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}
