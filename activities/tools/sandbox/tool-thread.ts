/**
 * Host-side handle on one sandbox worker thread: start it, give it one call at a
 * time, answer the call's HTTP requests (through the handler the pool passes in, so
 * policy and secrets stay on this side), and kill it when it stops answering.
 *
 * A thread is "retired" the moment it cannot be trusted with another call (wall-clock
 * backstop fired, it crashed or exited, its WASM module is suspect, or the sandbox is
 * closing). Retired threads are terminated and never reused; the pool replaces them.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_NATIVE_STACK_MB } from './limits.js';
import {
  isWorkerToHostMessage,
  type GuestHttpRequest,
  type GuestOutcome,
  type HttpReply,
  type HttpReplyMessage,
  type ToolCallMessage,
  type WorkerToHostMessage,
} from './protocol.js';
import type { SandboxError } from './types.js';

const BOOTSTRAP_URL = new URL('./worker-bootstrap.mjs', import.meta.url);

export interface ThreadAnswer {
  outcome: GuestOutcome;
  logs: string[];
}

type ThreadState = 'starting' | 'idle' | 'busy' | 'retired';

/** Answers the guest's HTTP requests for one call (the host-side policy lives behind it). */
export type HttpHandler = (request: GuestHttpRequest) => Promise<HttpReply>;

interface InFlightCall {
  callId: number;
  settle: (answer: ThreadAnswer) => void;
  backstop: NodeJS.Timeout;
  onHttp: HttpHandler;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve: () => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

export class ToolThread {
  private readonly started = deferred();
  private state: ThreadState = 'starting';
  private inFlight: InFlightCall | undefined;
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  /** @param onRetired lets the pool replace this thread as soon as it stops being usable. */
  constructor(private readonly onRetired: (thread: ToolThread) => void) {
    this.worker = new Worker(BOOTSTRAP_URL, {
      name: 'tool-sandbox',
      resourceLimits: { stackSizeMb: WORKER_NATIVE_STACK_MB },
    });
    this.worker.on('message', (message: unknown) => this.onMessage(message));
    this.worker.on('error', (error: Error) => this.onDeath(`worker thread crashed: ${error.message}`));
    this.worker.on('exit', (exitCode: number) => this.onDeath(`worker thread exited with code ${exitCode}`));
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Resolves once the thread has really stopped (e.g. before removing a directory it may still write to). */
  get stopped(): Promise<void> {
    return this.exited;
  }

  get isRetired(): boolean {
    return this.state === 'retired';
  }

  /** Resolves once the thread has loaded QuickJS; rejects if it dies before that. */
  get ready(): Promise<void> {
    return this.started.promise;
  }

  get isIdle(): boolean {
    return this.state === 'idle';
  }

  get isStarting(): boolean {
    return this.state === 'starting';
  }

  /**
   * Runs one call; never rejects. If the thread has not answered after
   * `wallClockBudgetMs` it is terminated and the call reports TIMEOUT.
   */
  run(call: ToolCallMessage, wallClockBudgetMs: number, onHttp: HttpHandler): Promise<ThreadAnswer> {
    if (this.state !== 'idle') throw new Error(`ToolThread.run called while ${this.state}`);
    this.state = 'busy';
    // A busy thread keeps the process alive (someone awaits its answer); an idle one does not.
    this.worker.ref();
    return new Promise<ThreadAnswer>((settle) => {
      const backstop = setTimeout(() => this.onBackstop(wallClockBudgetMs), wallClockBudgetMs);
      this.inFlight = { callId: call.callId, settle, backstop, onHttp };
      this.worker.postMessage(call);
    });
  }

  /** Retires the thread; an in-flight call is answered with SANDBOX_CRASH. */
  async terminate(reason: string): Promise<void> {
    this.retire({ code: 'SANDBOX_CRASH', message: reason });
    await this.worker.terminate();
  }

  private onMessage(message: unknown): void {
    if (!isWorkerToHostMessage(message)) {
      this.retire({ code: 'SANDBOX_CRASH', message: 'worker thread sent a malformed message' });
      this.stopWorker();
      return;
    }
    if (message.kind === 'ready') {
      this.onReady();
      return;
    }
    if (message.kind === 'http') {
      this.onHttpRequest(message.callId, message.requestId, message.request);
      return;
    }
    this.onResult(message);
  }

  private onReady(): void {
    if (this.state !== 'starting') return;
    this.state = 'idle';
    this.worker.unref();
    this.started.resolve();
  }

  private onResult(message: Extract<WorkerToHostMessage, { kind: 'result' }>): void {
    const call = this.inFlight;
    if (call === undefined || call.callId !== message.callId) return; // answer to a call we already gave up on
    this.inFlight = undefined;
    clearTimeout(call.backstop);
    if (message.threadUnusable) {
      this.retire(undefined);
      this.stopWorker();
    } else {
      this.state = 'idle';
      this.worker.unref();
    }
    call.settle({ outcome: message.outcome, logs: message.logs });
  }

  private onHttpRequest(callId: number, requestId: number, request: GuestHttpRequest): void {
    const call = this.inFlight;
    if (call === undefined || call.callId !== callId) return; // the call already ended
    void call.onHttp(request).then((reply) => {
      if (this.inFlight !== call || this.state !== 'busy') return;
      const message: HttpReplyMessage = { kind: 'http-reply', callId, requestId, reply };
      this.worker.postMessage(message);
    });
  }

  private onBackstop(wallClockBudgetMs: number): void {
    const message = `tool did not finish within ${wallClockBudgetMs} ms of wall-clock time; its worker thread was terminated`;
    this.retire({ code: 'TIMEOUT', message });
    this.stopWorker();
  }

  /** Fire-and-forget terminate: the caller already has its answer and nothing awaits the exit. */
  private stopWorker(): void {
    this.worker.terminate().catch(() => undefined);
  }

  private onDeath(reason: string): void {
    if (this.state === 'retired') return; // we terminated it ourselves
    this.retire({ code: 'SANDBOX_CRASH', message: reason });
  }

  /** Idempotent. Answers the in-flight call with `error` (if any) and rejects `ready` if still starting. */
  private retire(error: SandboxError | undefined): void {
    const previousState = this.state;
    if (previousState === 'retired') return;
    this.state = 'retired';
    if (previousState === 'starting') this.started.reject(new Error(error?.message ?? 'worker thread retired before it was ready'));
    const call = this.inFlight;
    this.inFlight = undefined;
    if (call !== undefined) {
      clearTimeout(call.backstop);
      call.settle({
        outcome: { ok: false, error: error ?? { code: 'SANDBOX_CRASH', message: 'worker thread retired' } },
        logs: [],
      });
    }
    this.onRetired(this);
  }
}
