/**
 * The sandbox the `tools` worker pool uses to run tool code.
 *
 * Isolation: each call runs in a fresh QuickJS runtime + context (QuickJS compiled
 * to WASM), inside a worker thread. Nothing from one call is visible to the next.
 *
 * Concurrency: a small pool of long-lived threads (default 2), one call per thread at
 * a time, FIFO queue in front. Why a pool rather than a thread per call: starting a
 * thread costs ~100-300 ms (tsx compiles the worker, WASM is instantiated), which
 * would dominate typical tool calls of a few ms; and isolation between calls does
 * not come from the thread anyway but from the fresh QuickJS runtime. A thread is
 * discarded and replaced whenever anything abnormal happens to it (wall-clock
 * backstop, crash, suspect WASM state), so a bad call cannot poison later ones.
 * Why small: QuickJS execution is synchronous CPU work, so more threads than cores
 * buys nothing, and each thread carries its own WASM heap.
 */
import { prepareCall } from './request.js';
import type { ToolCallMessage } from './protocol.js';
import { ToolThread, type ThreadAnswer } from './tool-thread.js';
import type { SandboxRequest, SandboxResult } from './types.js';

export interface SandboxOptions {
  /** Worker threads to run calls on concurrently (the pool size). Default 2. */
  threads?: number;
  /**
   * Extra wall-clock time, beyond the call's timeoutMs, before the host stops
   * waiting and terminates the thread. Covers hangs the in-VM CPU deadline cannot
   * see: QuickJS only checks its interrupt handler between bytecode instructions, so
   * one long native operation (e.g. JSON.stringify of a very deeply nested object,
   * which is quadratic in depth) runs on regardless. Default 1000 ms.
   */
  wallClockGraceMs?: number;
}

const DEFAULT_POOL_SIZE = 2;
const DEFAULT_WALL_CLOCK_GRACE_MS = 1000;

interface WaitingCall {
  call: ToolCallMessage;
  settle: (result: SandboxResult) => void;
}

export class Sandbox {
  private readonly poolSize: number;
  private readonly wallClockGraceMs: number;
  private threads: ToolThread[] = [];
  private readonly waiting: WaitingCall[] = [];
  private nextCallId = 1;
  private closed = false;

  constructor(options: SandboxOptions = {}) {
    this.poolSize = options.threads ?? DEFAULT_POOL_SIZE;
    this.wallClockGraceMs = options.wallClockGraceMs ?? DEFAULT_WALL_CLOCK_GRACE_MS;
    if (!Number.isInteger(this.poolSize) || this.poolSize < 1 || this.poolSize > 64) {
      throw new RangeError(`threads must be an integer in [1, 64], got ${this.poolSize}`);
    }
    if (!Number.isInteger(this.wallClockGraceMs) || this.wallClockGraceMs < 0) {
      throw new RangeError(`wallClockGraceMs must be a non-negative integer, got ${this.wallClockGraceMs}`);
    }
  }

  /**
   * Resolves with the tool's result or a classified error; rejects only for caller
   * bugs (malformed request, invalid limits, sandbox already closed).
   * `durationMs` is the time the call spent on a thread, queueing excluded.
   */
  async run(request: SandboxRequest): Promise<SandboxResult> {
    if (this.closed) throw new Error('Sandbox is closed');
    const prepared = prepareCall(request);
    if (!prepared.ok) return { ok: false, error: prepared.error, durationMs: 0, logs: [] };
    const call: ToolCallMessage = { kind: 'call', callId: this.nextCallId++, ...prepared.call };
    return new Promise<SandboxResult>((settle) => {
      this.waiting.push({ call, settle });
      this.dispatch();
    });
  }

  /** Terminates all threads. Calls still queued or running resolve with SANDBOX_CRASH. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failWaitingCalls('sandbox closed before the call started');
    const threads = [...this.threads];
    this.threads = [];
    await Promise.all(threads.map((thread) => thread.terminate('sandbox closed while the call was running')));
  }

  private dispatch(): void {
    if (this.closed) return;
    for (let thread = this.findIdleThread(); thread !== undefined; thread = this.findIdleThread()) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      void this.runOn(thread, next);
    }
    this.startThreadsForWaitingCalls();
  }

  private findIdleThread(): ToolThread | undefined {
    return this.threads.find((thread) => thread.isIdle);
  }

  private async runOn(thread: ToolThread, { call, settle }: WaitingCall): Promise<void> {
    const startedAt = performance.now();
    const answer = await thread.run(call, call.limits.timeoutMs + this.wallClockGraceMs);
    settle(toSandboxResult(answer, Math.round(performance.now() - startedAt)));
    this.dispatch();
  }

  /** Threads start lazily, one per waiting call, up to poolSize. */
  private startThreadsForWaitingCalls(): void {
    const startingCount = (): number => this.threads.filter((thread) => thread.isStarting).length;
    while (this.threads.length < this.poolSize && startingCount() < this.waiting.length) {
      const thread = new ToolThread((retired) => this.forget(retired));
      this.threads.push(thread);
      thread.ready.then(
        () => this.dispatch(),
        // A thread that cannot even start means the environment is broken (e.g. tsx
        // missing); retrying at once would only loop, so fail what is waiting now.
        (error: unknown) => this.failWaitingCalls(`sandbox worker thread failed to start: ${String(error)}`),
      );
    }
  }

  private forget(retired: ToolThread): void {
    this.threads = this.threads.filter((thread) => thread !== retired);
    // Deferred so that a failed start's rejection handler runs first (see above).
    queueMicrotask(() => this.dispatch());
  }

  private failWaitingCalls(message: string): void {
    for (const { settle } of this.waiting.splice(0)) {
      settle({ ok: false, error: { code: 'SANDBOX_CRASH', message }, durationMs: 0, logs: [] });
    }
  }
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new Sandbox(options);
}

function toSandboxResult({ outcome, logs }: ThreadAnswer, durationMs: number): SandboxResult {
  if (!outcome.ok) return { ok: false, error: outcome.error, durationMs, logs };
  try {
    // The JSON text was produced by QuickJS's JSON.stringify, so this cannot
    // normally fail; if it does, the output did not survive the trip intact.
    const output: unknown = JSON.parse(outcome.outputJson);
    return { ok: true, output, durationMs, logs };
  } catch (error) {
    const message = `output could not be parsed on the host: ${error instanceof Error ? error.message : String(error)}`;
    return { ok: false, error: { code: 'INVALID_OUTPUT', message }, durationMs, logs };
  }
}
