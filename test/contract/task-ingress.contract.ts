import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeadLetterStore, Disposition, InboundMessage, InboxHandler, MessageProperties, TaskInbox } from '../../activities/integrations/service-bus/ports.js';

/** A message as a producer sends it; only adapters backed by a broker can take one. */
export interface ProducedMessage {
  messageId: string;
  body: unknown;
  sessionId?: string;
  properties?: MessageProperties;
  scheduledAt?: Date;
}

export interface TaskIngressSubject {
  queue: string;
  inbox: TaskInbox;
  deadLetters: DeadLetterStore;
  /** Absent for an adapter without a broker (the local profile: ingress is the API only). */
  send?: (message: ProducedMessage) => Promise<void>;
  /** The broker's max delivery count for this queue. */
  maxDeliveryCount?: number;
  close(): Promise<void>;
}

const complete: Disposition = { kind: 'complete' };

/** Runs the inbox until `done` holds (or the time is up), then stops it and waits for it to settle. */
async function runUntil(inbox: TaskInbox, handler: InboxHandler, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const abort = new AbortController();
  const running = inbox.run(handler, abort.signal);
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  abort.abort();
  await running;
  if (!done()) throw new Error('the inbox did not deliver what was expected in time');
}

/** Runs the inbox for a while and answers what it delivered (for "nothing more arrives"). */
async function runFor(inbox: TaskInbox, handler: InboxHandler, ms: number): Promise<void> {
  const abort = new AbortController();
  const running = inbox.run(handler, abort.signal);
  await new Promise((resolve) => setTimeout(resolve, ms));
  abort.abort();
  await running;
}

const id = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** What every task-ingress adapter must do; run against each adapter with its own factory. */
export function describeTaskIngressContract(name: string, make: () => TaskIngressSubject): void {
  describe(`task ingress contract: ${name}`, () => {
    it('answers an empty dead-letter list and no resubmission for an unknown message', async () => {
      const subject = make();
      try {
        expect(subject.deadLetters.queues).toContain(subject.queue);
        expect(await subject.deadLetters.list(subject.queue, 10)).toEqual([]);
        expect(await subject.deadLetters.resubmit(subject.queue, 'no-such-message')).toBeUndefined();
      } finally {
        await subject.close();
      }
    });

    it('stops when its signal aborts', async () => {
      const subject = make();
      try {
        await runFor(subject.inbox, async () => complete, 100);
      } finally {
        await subject.close();
      }
    });
  });
}

/** What an adapter over a broker must do besides. */
export function describeBrokeredIngressContract(name: string, make: () => TaskIngressSubject & Required<Pick<TaskIngressSubject, 'send' | 'maxDeliveryCount'>>): void {
  describe(`task ingress contract (brokered): ${name}`, () => {
    it('delivers a message once per message id, with its properties and session, and removes it once complete', async () => {
      const subject = make();
      try {
        const messageId = id('once');
        const message = { messageId, body: { hello: 'world' }, sessionId: 's-1', properties: { tenant: 'acme', priority: 4 } };
        await subject.send(message);
        await subject.send(message);
        const seen: InboundMessage[] = [];
        await runUntil(subject.inbox, async (m) => (seen.push(m), complete), () => seen.length >= 1);
        await runFor(subject.inbox, async (m) => (seen.push(m), complete), 300);
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ queue: subject.queue, messageId, idempotencyKey: messageId, body: { hello: 'world' }, sessionId: 's-1', deliveryCount: 0, properties: { tenant: 'acme', priority: 4 } });
        expect(await subject.deadLetters.list(subject.queue, 10)).toEqual([]);
      } finally {
        await subject.close();
      }
    });

    it('dead-letters a rejected message at once with its reason, and lists it without receiving it', async () => {
      const subject = make();
      try {
        const messageId = id('poison');
        await subject.send({ messageId, body: 'not json {', sessionId: 's-poison', properties: { tenant: 'acme' } });
        const seen: string[] = [];
        await runUntil(subject.inbox, async (m) => (seen.push(m.messageId), { kind: 'reject', reason: 'InvalidJson', description: 'the body is not JSON' }), () => seen.length >= 1);
        await runFor(subject.inbox, async (m) => (seen.push(m.messageId), complete), 300);
        expect(seen).toEqual([messageId]);
        const listed = await subject.deadLetters.list(subject.queue, 10);
        expect(listed).toEqual([
          expect.objectContaining({ queue: subject.queue, messageId, idempotencyKey: messageId, reason: 'InvalidJson', description: 'the body is not JSON', deliveryCount: 0, tenant: 'acme', sessionId: 's-poison' }),
        ]);
        expect(Date.parse(listed[0]?.enqueuedAt ?? '')).not.toBeNaN();
        // A peek: listing again sees the same, and nothing was locked.
        expect(await subject.deadLetters.list(subject.queue, 10)).toEqual(listed);
      } finally {
        await subject.close();
      }
    });

    it('delivers a retried message again with a higher delivery count, and the broker dead-letters it after its tries', async () => {
      const subject = make();
      try {
        const messageId = id('flaky');
        await subject.send({ messageId, body: {}, sessionId: 's-flaky', properties: { tenant: 'acme' } });
        const counts: number[] = [];
        await runUntil(subject.inbox, async (m) => (counts.push(m.deliveryCount), { kind: 'retry', reason: 'Temporal unreachable' }), () => counts.length >= subject.maxDeliveryCount);
        await runFor(subject.inbox, async (m) => (counts.push(m.deliveryCount), complete), 300);
        expect(counts).toEqual(Array.from({ length: subject.maxDeliveryCount }, (_, i) => i));
        expect(await subject.deadLetters.list(subject.queue, 10)).toEqual([expect.objectContaining({ messageId, reason: 'MaxDeliveryCountExceeded', deliveryCount: subject.maxDeliveryCount })]);
      } finally {
        await subject.close();
      }
    });

    it("hands over a session's messages one at a time and in order (a retried one first), sessions in parallel", async () => {
      const subject = make();
      try {
        const sessions = ['s-a', 's-b'].map((s) => `${s}-${randomUUID().slice(0, 4)}`);
        for (let i = 0; i < 4; i += 1) {
          for (const sessionId of sessions) await subject.send({ messageId: `${sessionId}-m${i}`, body: { i }, sessionId, properties: { tenant: 'acme' } });
        }
        const order = new Map<string, string[]>(sessions.map((s) => [s, []]));
        const inFlight = new Map<string, number>();
        let overlap = 0;
        let mostAtOnce = 0;
        let retried = false;
        const handler: InboxHandler = async (m) => {
          const session = m.sessionId ?? '';
          inFlight.set(session, (inFlight.get(session) ?? 0) + 1);
          mostAtOnce = Math.max(mostAtOnce, inFlight.get(session) ?? 0);
          if ([...inFlight.values()].filter((n) => n > 0).length > 1) overlap += 1;
          await new Promise((resolve) => setTimeout(resolve, 40));
          inFlight.set(session, (inFlight.get(session) ?? 1) - 1);
          if (m.messageId === `${sessions[0]}-m1` && !retried) {
            retried = true;
            return { kind: 'retry', reason: 'once' };
          }
          order.get(session)?.push(m.messageId);
          return complete;
        };
        await runUntil(subject.inbox, handler, () => [...order.values()].every((list) => list.length === 4));
        for (const sessionId of sessions) expect(order.get(sessionId)).toEqual([0, 1, 2, 3].map((i) => `${sessionId}-m${i}`));
        expect(mostAtOnce).toBe(1);
        expect(overlap).toBeGreaterThan(0);
      } finally {
        await subject.close();
      }
    });

    it('withholds a scheduled message until its time', async () => {
      const subject = make();
      try {
        const messageId = id('later');
        const at = new Date(Date.now() + 1_500);
        await subject.send({ messageId, body: {}, sessionId: 's-later', properties: { tenant: 'acme' }, scheduledAt: at });
        const deliveredAt: number[] = [];
        await runUntil(subject.inbox, async () => (deliveredAt.push(Date.now()), complete), () => deliveredAt.length >= 1);
        expect(deliveredAt[0]).toBeGreaterThanOrEqual(at.getTime());
      } finally {
        await subject.close();
      }
    });

    it('resubmits a dead letter under a new id that keeps the original as its idempotency key, and removes it', async () => {
      const subject = make();
      try {
        const messageId = id('again');
        await subject.send({ messageId, body: { n: 1 }, sessionId: 's-again', properties: { tenant: 'acme', priority: 2 } });
        let attempts = 0;
        await runUntil(subject.inbox, async () => (attempts += 1, { kind: 'reject', reason: 'InvalidSubmission', description: 'unknown agent type' }), () => attempts >= 1);
        const resubmitted = await subject.deadLetters.resubmit(subject.queue, messageId);
        expect(resubmitted).toMatchObject({ queue: subject.queue, messageId, idempotencyKey: messageId });
        expect(resubmitted?.resubmittedAs).not.toBe(messageId);
        expect(await subject.deadLetters.list(subject.queue, 10)).toEqual([]);
        expect(await subject.deadLetters.resubmit(subject.queue, messageId)).toBeUndefined();

        const seen: InboundMessage[] = [];
        await runUntil(subject.inbox, async (m) => (seen.push(m), { kind: 'reject', reason: 'StillWrong', description: 'again' }), () => seen.length >= 1);
        expect(seen[0]).toMatchObject({ messageId: resubmitted?.resubmittedAs, idempotencyKey: messageId, body: { n: 1 }, sessionId: 's-again', properties: { tenant: 'acme', priority: 2 } });
        // Dead-lettered again and resubmitted again: still the same idempotency key, so still the same work.
        const [again] = await subject.deadLetters.list(subject.queue, 10);
        expect(again).toMatchObject({ messageId: resubmitted?.resubmittedAs, idempotencyKey: messageId, reason: 'StillWrong' });
        expect(await subject.deadLetters.resubmit(subject.queue, again?.messageId ?? '')).toMatchObject({ idempotencyKey: messageId });
      } finally {
        await subject.close();
      }
    });
  });
}
