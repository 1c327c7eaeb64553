/**
 * One tool call, start to finish, inside a brand-new QuickJS runtime + context.
 * Runs in the worker thread (synchronously: QuickJS blocks the thread while it
 * interprets, which is exactly why it lives in a thread the host can kill).
 *
 * Every handle is owned by one Scope and disposed in reverse order when the call
 * ends, whatever happened. A leaked handle makes QuickJS abort the whole WASM module
 * when the runtime is freed, so handles are never created outside `scope.manage`.
 */
import { Scope, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type SuccessOrFail } from 'quickjs-emscripten';
import { installGrantedCapabilities } from './capabilities.js';
import { CpuDeadline } from './cpu-deadline.js';
import { installHarness, MAX_DESCRIPTION_CHARS, type GuestHarness } from './guest-harness.js';
import { readBoundedString } from './guest-values.js';
import type { HostRequestBroker } from './host-requests.js';
import { LogCollector } from './log-collector.js';
import type { GuestOutcome, ToolCallMessage } from './protocol.js';
import { settle, type SettleEnvironment } from './settle-loop.js';
import type { SandboxError, SandboxErrorCode, SandboxLimits } from './types.js';
import type { CappedModule, HeapCeiling } from './wasm-module.js';

const TOOL_FILENAME = 'tool.js';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export interface ExecutionReport {
  outcome: GuestOutcome;
  logs: string[];
  /** See ToolResultMessage.threadUnusable. */
  threadUnusable: boolean;
}

export async function executeToolCall(loaded: CappedModule, call: ToolCallMessage, broker: HostRequestBroker): Promise<ExecutionReport> {
  const logs = new LogCollector();
  const traffic = { copiedIntoGuest: false };
  let decided: GuestOutcome | undefined;
  try {
    const outcome = await Scope.withScopeAsync(async (scope) => {
      decided = await runInFreshContext(loaded, call, { logs, broker, traffic }, scope);
      return decided;
    });
    // Host-side copies into the guest heap are not checked for allocation failure by
    // the FFI; if the heap cap was hit in a call that made any, do not trust the module.
    const threadUnusable = traffic.copiedIntoGuest && loaded.heapCeiling.reachedDuringCall;
    return { outcome, logs: logs.lines(), threadUnusable };
  } catch (hostError) {
    // Only the host side of the FFI gets here: a WASM abort (e.g. QuickJS asserting
    // in JS_FreeRuntime), V8's native stack overflowing inside WASM, a setup step
    // failing. The module's internal state can no longer be trusted.
    //
    // One such abort is expected: a run stopped in the middle of its promise jobs
    // (interrupted, or out of memory) can leave QuickJS unable to free its runtime.
    // The call's outcome was decided before disposal, so it is still reported as
    // such (TIMEOUT, MEMORY_LIMIT), and the thread is retired like any other.
    if (decided !== undefined) return { outcome: decided, logs: logs.lines(), threadUnusable: true };
    const message = `QuickJS host failure: ${describeHostError(hostError)}`;
    return { outcome: { ok: false, error: { code: 'SANDBOX_CRASH', message } }, logs: logs.lines(), threadUnusable: true };
  }
}

interface CallPlumbing {
  logs: LogCollector;
  broker: HostRequestBroker;
  traffic: { copiedIntoGuest: boolean };
}

async function runInFreshContext({ module, heapCeiling }: CappedModule, call: ToolCallMessage, plumbing: CallPlumbing, scope: Scope): Promise<GuestOutcome> {
  heapCeiling.startCall();
  const runtime = scope.manage(module.newRuntime());
  runtime.setMemoryLimit(call.limits.memoryBytes);
  runtime.setMaxStackSize(call.limits.maxStackBytes);
  const deadline = new CpuDeadline(call.limits.timeoutMs);
  runtime.setInterruptHandler(deadline.shouldInterrupt);

  const context = scope.manage(runtime.newContext());
  // Capabilities and harness go in before the tool's first line runs (see capabilities.ts).
  installGrantedCapabilities(call.level, { context, scope, grants: call.grants, ...plumbing });
  const harness = installHarness(context, scope);

  try {
    const session = new ToolSession(context, scope, harness, { deadline, heapCeiling, limits: call.limits }, { runtime, ...plumbing });
    return { ok: true, outputJson: await session.run(call.code, call.entry, call.inputJson) };
  } catch (error) {
    if (error instanceof GuestFailure) return { ok: false, error: error.failure };
    throw error;
  }
}

/** Stops a ToolSession at its first failing step. Never escapes this file. */
class GuestFailure extends Error {
  constructor(readonly failure: SandboxError) {
    super(failure.message);
  }
}

/** What a ToolSession needs to tell resource exhaustion apart from the tool's own errors. */
interface ResourceWatch {
  deadline: CpuDeadline;
  heapCeiling: HeapCeiling;
  limits: SandboxLimits;
}

class ToolSession {
  private readonly limits: SandboxLimits;

  constructor(
    private readonly context: QuickJSContext,
    private readonly scope: Scope,
    private readonly harness: GuestHarness,
    private readonly watch: ResourceWatch,
    private readonly host: CallPlumbing & { runtime: QuickJSRuntime },
  ) {
    this.limits = watch.limits;
  }

  /** Returns the output as JSON text produced by QuickJS's own JSON.stringify. */
  async run(code: string, entryName: string, inputJson: string): Promise<string> {
    const { context, harness } = this;
    // Compile first so that only genuine parse errors become SYNTAX_ERROR; a
    // SyntaxError thrown by running code (JSON.parse('{') at top level) is a TOOL_ERROR.
    this.unwrap(context.evalCode(code, TOOL_FILENAME, { type: 'global', compileOnly: true }), 'SYNTAX_ERROR');
    this.unwrap(context.evalCode(code, TOOL_FILENAME, { type: 'global' }), 'TOOL_ERROR');
    const entry = this.resolveEntry(entryName);
    const inputText = this.scope.manage(context.newString(inputJson));
    const input = this.call(harness.parseInput, inputText, 'INVALID_INPUT');
    const returned = this.call(entry, input, 'TOOL_ERROR');
    // Sync or async, the entry's result is awaited the same way (settle-loop.ts).
    const promise = this.call(harness.toPromise, returned, 'TOOL_ERROR');
    const output = await this.settle(promise);
    const outputText = this.call(harness.serialiseOutput, output, 'INVALID_OUTPUT');
    return this.readOutputJson(outputText);
  }

  private settle(promise: QuickJSHandle): Promise<QuickJSHandle> {
    const { timeoutMs } = this.limits;
    const environment: SettleEnvironment = {
      ...this.host,
      context: this.context,
      scope: this.scope,
      deadline: this.watch.deadline,
      failWith: (thrown) => new GuestFailure(this.classify(thrown, 'TOOL_ERROR')),
      // The deadline is wall-clock: it also covers time spent waiting for host requests.
      timedOut: () => new GuestFailure({ code: 'TIMEOUT', message: `tool exceeded its time limit of ${timeoutMs} ms` }),
      neverSettled: () =>
        new GuestFailure({ code: 'TOOL_ERROR', message: "the tool's promise never settled (nothing was left to run and no host request was pending)" }),
    };
    return settle(environment, promise);
  }

  /**
   * Looked up by evaluating the identifier rather than reading globalThis[name], so
   * `const main = (input) => ...` works as well as `function main(input) {}`.
   */
  private resolveEntry(entryName: string): QuickJSHandle {
    const shownName = entryName.slice(0, 100);
    if (!IDENTIFIER.test(entryName)) {
      throw new GuestFailure({ code: 'NO_ENTRY', message: `entry name "${shownName}" is not a valid identifier` });
    }
    const probe = `typeof ${entryName} === 'function' ? ${entryName} : undefined`;
    const entry = this.unwrap(this.context.evalCode(probe, 'sandbox-entry.js', { type: 'global' }), 'NO_ENTRY');
    if (this.context.typeof(entry) !== 'function') {
      throw new GuestFailure({ code: 'NO_ENTRY', message: `the tool does not define a function named "${shownName}"` });
    }
    return entry;
  }

  private readOutputJson(outputText: QuickJSHandle): string {
    const maxBytes = this.limits.maxOutputBytes;
    const tooLarge = (size: string): GuestFailure =>
      new GuestFailure({ code: 'OUTPUT_TOO_LARGE', message: `output JSON is ${size} bytes; the limit is ${maxBytes}` });
    // UTF-8 never needs fewer bytes than UTF-16 code units, so a string over the cap
    // in code units is over it in bytes too, and is rejected without copying it out.
    const json = readBoundedString(this.context, outputText, maxBytes);
    if (json === undefined) throw tooLarge(`more than ${maxBytes}`);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > maxBytes) throw tooLarge(String(bytes));
    return json;
  }

  private call(fn: QuickJSHandle, argument: QuickJSHandle, onError: SandboxErrorCode): QuickJSHandle {
    return this.unwrap(this.context.callFunction(fn, this.context.undefined, argument), onError);
  }

  /** The value on success (owned by the scope); otherwise a GuestFailure classified from the thrown value. */
  private unwrap(result: SuccessOrFail<QuickJSHandle, QuickJSHandle>, onError: SandboxErrorCode): QuickJSHandle {
    if (result.error !== undefined) {
      const thrown = this.scope.manage(result.error);
      throw new GuestFailure(this.classify(thrown, onError));
    }
    return this.scope.manage(result.value);
  }

  /**
   * Resource exhaustion wins over the step's own error code: a tool that runs out of
   * time while building its output timed out; it did not produce invalid output.
   */
  private classify(thrown: QuickJSHandle, onError: SandboxErrorCode): SandboxError {
    const { deadline, heapCeiling } = this.watch;
    const timeout: SandboxError = { code: 'TIMEOUT', message: `tool exceeded its CPU time limit of ${this.limits.timeoutMs} ms` };
    const outOfMemory: SandboxError = { code: 'MEMORY_LIMIT', message: `tool exceeded its memory limit of ${this.limits.memoryBytes} bytes` };
    if (deadline.hasTripped) return timeout;
    // Out of heap, QuickJS cannot allocate its own error object and throws null instead.
    if (heapCeiling.reachedDuringCall && this.isNullish(thrown)) {
      return { ...outOfMemory, message: `${outOfMemory.message} (the WASM heap is exhausted)` };
    }
    const description = this.describe(thrown);
    if (description === undefined) {
      if (deadline.hasTripped) return timeout;
      // describeError catches everything a tool can throw at it, so failing to run
      // at all means the VM could not allocate even a short string.
      return outOfMemory;
    }
    const { name, message } = description;
    if (name === 'InternalError' && message === 'out of memory') return outOfMemory;
    if (name === 'InternalError' && message === 'stack overflow') {
      return { code: 'MEMORY_LIMIT', message: `tool exceeded its stack limit of ${this.limits.maxStackBytes} bytes (recursion too deep)` };
    }
    return { code: onError, message: `${name}: ${message}` };
  }

  private isNullish(handle: QuickJSHandle): boolean {
    return this.context.sameValue(handle, this.context.null) || this.context.sameValue(handle, this.context.undefined);
  }

  /** The thrown value's name and message, or undefined if the VM could not even run describeError. */
  private describe(thrown: QuickJSHandle): { name: string; message: string } | undefined {
    const result = this.context.callFunction(this.harness.describeError, this.context.undefined, thrown);
    if (result.error !== undefined) {
      result.error.dispose();
      return undefined;
    }
    const text = readBoundedString(this.context, this.scope.manage(result.value), MAX_DESCRIPTION_CHARS);
    return parseDescription(text) ?? { name: 'Error', message: '(the tool threw a value whose description could not be read)' };
  }
}

/** describeError returns JSON `[name, message]`; a tool that replaced String.prototype methods may have bent it. */
function parseDescription(text: string | undefined): { name: string; message: string } | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const [name, message]: unknown[] = parsed;
  return typeof name === 'string' && typeof message === 'string' ? { name, message } : undefined;
}

function describeHostError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
