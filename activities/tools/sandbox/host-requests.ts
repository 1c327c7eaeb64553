/**
 * The worker-thread side of a call's outstanding host requests (today: HTTP).
 *
 * The guest gets a QuickJS promise per request; the request itself goes to the host
 * over the worker's message port. Replies are only *queued* here when they arrive;
 * they are delivered into QuickJS by the settle loop (settle-loop.ts) between job
 * runs, never from an event callback, so QuickJS is never re-entered while it runs.
 */
import type { QuickJSDeferredPromise } from 'quickjs-emscripten';
import { HTTP_CALL_LIMITS } from './http-limits.js';
import type { GuestHttpRequest, HttpReply, HttpReplyMessage, HttpRequestMessage } from './protocol.js';

export interface ArrivedReply {
  deferred: QuickJSDeferredPromise;
  reply: HttpReply;
}

export class HostRequestBroker {
  private nextRequestId = 1;
  private sent = 0;
  private readonly outstanding = new Map<number, QuickJSDeferredPromise>();
  private arrived: ArrivedReply[] = [];
  private wake: (() => void) | undefined;
  /** Set once anything was copied from the host into the guest's heap (see execute-tool.ts). */
  copiedIntoGuest = false;

  constructor(
    readonly callId: number,
    private readonly post: (message: HttpRequestMessage) => void,
  ) {}

  /** Why another request may not be sent now, if it may not; checked before the request is even read. */
  refusalForNext(): string | undefined {
    if (this.outstanding.size >= HTTP_CALL_LIMITS.maxInFlight) return `at most ${HTTP_CALL_LIMITS.maxInFlight} requests may be in flight at once`;
    if (this.sent >= HTTP_CALL_LIMITS.maxRequestsPerCall) return `at most ${HTTP_CALL_LIMITS.maxRequestsPerCall} requests per call`;
    return undefined;
  }

  send(request: GuestHttpRequest, deferred: QuickJSDeferredPromise): void {
    this.sent++;
    const requestId = this.nextRequestId++;
    this.outstanding.set(requestId, deferred);
    this.post({ kind: 'http', callId: this.callId, requestId, request });
  }

  /** A reply decided without asking the host (the request could not even be read). */
  answerLocally(deferred: QuickJSDeferredPromise, reply: HttpReply): void {
    this.queue({ deferred, reply });
  }

  receive(message: HttpReplyMessage): void {
    const deferred = this.outstanding.get(message.requestId);
    if (deferred === undefined) return;
    this.outstanding.delete(message.requestId);
    this.queue({ deferred, reply: message.reply });
  }

  takeArrived(): ArrivedReply[] {
    const taken = this.arrived;
    this.arrived = [];
    return taken;
  }

  get hasArrived(): boolean {
    return this.arrived.length > 0;
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /** Resolves when a reply arrives or after `maxWaitMs`, whichever is first. */
  waitForArrival(maxWaitMs: number): Promise<void> {
    if (this.hasArrived) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, maxWaitMs));
      this.wake = done;
    });
  }

  private queue(item: ArrivedReply): void {
    this.arrived.push(item);
    this.wake?.();
  }
}
