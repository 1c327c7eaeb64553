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
 *
 * Host functions: which ones a call gets depends on its level (capabilities.ts).
 * Tool HTTP requests are answered here, on the host's main thread (http-gateway.ts),
 * not in the worker: the allow-list, the address policy and the secrets (with their
 * values) never enter the thread that runs tool code. Per-call scratch directories
 * are also created and removed here, so a killed thread cannot leave one behind.
 */
import { join } from 'node:path';
import { HttpGateway, type HttpSession, type SecretLookup } from './http-gateway.js';
import { defaultResolveHost, type ResolveHost } from './http-policy.js';
import { validateLimitsByLevel, type LimitsByLevel } from './limits.js';
import { originSetOf } from './origins.js';
import type { FileGrants, ToolCallMessage } from './protocol.js';
import { prepareCall } from './request.js';
import { DEFAULT_SCRATCH_ROOT, ScratchDirectories } from './scratch-dirs.js';
import { ToolThread, type ThreadAnswer } from './tool-thread.js';
import type { SandboxLevel, SandboxRequest, SandboxResult } from './types.js';

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
  /** The operator's limits per level, between DEFAULT_LIMITS and a request's own limits; validated at construction. */
  limitsByLevel?: LimitsByLevel;
  /**
   * Origins that may resolve to private, loopback or link-local addresses (an
   * internal API, a local mock). Every other origin must resolve to public addresses
   * only. A request must still list the origin in its allowedHosts. Default none.
   */
  privateOrigins?: string[];
  /**
   * Credentials for tools, by name. A tool asks with `auth: '<name>'`; the host adds
   * the header only when the request's origin is one of the secret's origins. The
   * value never enters the sandbox. Default: no secrets.
   */
  secrets?: SecretLookup;
  /** DNS for tool HTTP requests; default dns.lookup with all addresses. Every answer is checked. */
  resolveHost?: ResolveHost;
  /** Largest HTTP response body a tool may receive (also at most memoryBytes / 8 of the call). Default 5 MiB. */
  maxResponseBytes?: number;
  /** Read-only directory for MODERATE and PERMISSIVE tools (`data`). Default none. */
  dataDir?: string;
  /** Where PERMISSIVE calls get their private scratch directories. Default <os tmpdir>/ants-scratch. */
  scratchRoot?: string;
  /** Bytes a PERMISSIVE call may keep in its scratch directory. Default 64 MiB. */
  scratchQuotaBytes?: number;
  /** Largest file `data.read` / `scratch.read` returns. Default 5 MiB. */
  maxFileBytes?: number;
}

const MiB = 1024 * 1024;
const DEFAULT_POOL_SIZE = 2;
const DEFAULT_WALL_CLOCK_GRACE_MS = 1000;
const DEFAULT_MAX_RESPONSE_BYTES = 5 * MiB;
const DEFAULT_SCRATCH_QUOTA_BYTES = 64 * MiB;
const DEFAULT_MAX_FILE_BYTES = 5 * MiB;
/** How long to wait for a killed thread to stop before its scratch directory is removed anyway. */
const THREAD_STOP_WAIT_MS = 5000;

interface WaitingCall {
  call: ToolCallMessage;
  allowedOrigins: ReadonlySet<string>;
  secretNames: ReadonlySet<string> | undefined;
  settle: (result: SandboxResult) => void;
}

export class Sandbox {
  private readonly poolSize: number;
  private readonly wallClockGraceMs: number;
  private threads: ToolThread[] = [];
  private readonly waiting: WaitingCall[] = [];
  private nextCallId = 1;
  private closed = false;
  private readonly limitsByLevel: LimitsByLevel;
  private readonly gateway: HttpGateway;
  private readonly scratch: ScratchDirectories;
  private readonly fileLimits: Pick<FileGrants, 'maxFileBytes' | 'scratchQuotaBytes'>;
  private readonly dataDir: string | undefined;

  constructor(options: SandboxOptions = {}) {
    this.poolSize = options.threads ?? DEFAULT_POOL_SIZE;
    this.wallClockGraceMs = options.wallClockGraceMs ?? DEFAULT_WALL_CLOCK_GRACE_MS;
    this.limitsByLevel = options.limitsByLevel ?? {};
    validateLimitsByLevel(this.limitsByLevel);
    const maxResponseBytes = positiveInteger('maxResponseBytes', options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.gateway = new HttpGateway({
      resolveHost: options.resolveHost ?? defaultResolveHost,
      privateOrigins: originSetOf(options.privateOrigins ?? [], 'privateOrigins'),
      secrets: options.secrets,
      maxResponseBytes,
    });
    this.scratch = new ScratchDirectories(options.scratchRoot ?? DEFAULT_SCRATCH_ROOT);
    this.fileLimits = {
      maxFileBytes: positiveInteger('maxFileBytes', options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES),
      scratchQuotaBytes: positiveInteger('scratchQuotaBytes', options.scratchQuotaBytes ?? DEFAULT_SCRATCH_QUOTA_BYTES),
    };
    this.dataDir = options.dataDir;
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
    const prepared = prepareCall(request, this.limitsByLevel);
    if (!prepared.ok) return { ok: false, error: prepared.error, durationMs: 0, logs: [] };
    const { level } = prepared.message;
    // Created before the call is queued (no thread is held meanwhile) and removed after
    // its answer, whatever the answer was.
    let scratchDir: string | undefined;
    if (level === 'PERMISSIVE') {
      try {
        scratchDir = await this.scratch.create();
      } catch (error) {
        const message = `could not create the call's scratch directory: ${error instanceof Error ? error.message : String(error)}`;
        return { ok: false, error: { code: 'SANDBOX_CRASH', message }, durationMs: 0, logs: [] };
      }
    }
    try {
      // close() may have run while the directory was being created; nothing would dispatch this call.
      if (this.closed) return { ok: false, error: { code: 'SANDBOX_CRASH', message: 'sandbox closed before the call started' }, durationMs: 0, logs: [] };
      const grants = this.grantsFor(level, scratchDir, request.dataScope);
      const call: ToolCallMessage = { kind: 'call', callId: this.nextCallId++, ...prepared.message, grants };
      return await new Promise<SandboxResult>((settle) => {
        this.waiting.push({ call, allowedOrigins: prepared.allowedOrigins, secretNames: prepared.secretNames, settle });
        this.dispatch();
      });
    } finally {
      if (scratchDir !== undefined) await this.scratch.remove(scratchDir);
    }
  }

  private grantsFor(level: SandboxLevel, scratchDir: string | undefined, dataScope: string | undefined): FileGrants {
    const dataDir = level === 'RESTRICTED' || this.dataDir === undefined ? undefined : dataScope === undefined ? this.dataDir : join(this.dataDir, dataScope);
    return { ...this.fileLimits, dataDir, scratchDir };
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

  private async runOn(thread: ToolThread, { call, allowedOrigins, secretNames, settle }: WaitingCall): Promise<void> {
    const startedAt = performance.now();
    const http: HttpSession = this.gateway.openSession({
      allowedOrigins,
      secretNames,
      deadlineAt: Date.now() + call.limits.timeoutMs,
      maxResponseBytes: Math.floor(call.limits.memoryBytes / 8),
    });
    let answer: ThreadAnswer;
    try {
      answer = await thread.run(call, call.limits.timeoutMs + this.wallClockGraceMs, (request) => http.handle(request));
    } finally {
      http.close();
    }
    if (thread.isRetired && call.grants.scratchDir !== undefined) {
      // A killed thread may still be finishing a write; let it stop before the directory is removed.
      await Promise.race([thread.stopped, new Promise((resolve) => setTimeout(resolve, THREAD_STOP_WAIT_MS).unref())]);
    }
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

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
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
