import { earliestEventPosition, type CheckpointStore, type EventHubConsumerClient, type Subscription } from '@azure/event-hubs';
import type { PheromoneNotice } from '../ports.js';
import type { FeedPurpose } from './consumer-groups.js';
import { RecentIds, type TenantTrails } from './tenant-trails.js';
import { fromReceived, type TrailEvent } from './trail-event.js';

/** What the field needs of a consumer: the real client and the test fake both have it. */
export type PheromoneConsumer = Pick<EventHubConsumerClient, 'subscribe' | 'close' | 'getPartitionIds' | 'getPartitionProperties'>;

/**
 * How the field asks for a consumer: of this consumer group, constructed with the checkpoint store when one is given
 * (the SDK then balances partitions among the group's readers and resumes from checkpoints) and without one otherwise
 * (the SDK then reads every partition).
 */
export interface ConsumerRequest {
  /** Absent for a reader of every tenant's trails. */
  tenant?: string;
  purpose: FeedPurpose;
  consumerGroup: string;
  checkpointStore?: CheckpointStore;
}
export type ConsumerFactory = (request: ConsumerRequest) => PheromoneConsumer;

const READ_BATCH = 1000;

export interface CacheFeed {
  subscription: Subscription;
  /** Resolves once every event the hub held when the feed started (within the replay window) has been applied. */
  caughtUp: Promise<void>;
  isCaughtUp(): boolean;
  /** The last error the client reported (it retries by itself), to explain a feed that does not catch up. */
  lastError(): Error | undefined;
}

/** Where a read event goes: the cache of its tenant, or nowhere when this reader does not serve that tenant. */
export type TrailRouter = (event: TrailEvent) => TenantTrails | undefined;

/**
 * Keeps caches: every partition from `replayFrom` on. What the hub held at the start is measured first,
 * per partition, so the feed knows when it has caught up; a partition whose last event is older than the replay
 * window owes nothing.
 */
export async function startCacheFeed(consumer: PheromoneConsumer, route: TrailRouter, replayFrom: Date): Promise<CacheFeed> {
  const owed = new Map<string, number>();
  const partitions = await Promise.all((await consumer.getPartitionIds()).map((id) => consumer.getPartitionProperties(id)));
  for (const partition of partitions) {
    if (!partition.isEmpty && partition.lastEnqueuedOnUtc.getTime() > replayFrom.getTime()) owed.set(partition.partitionId, partition.lastEnqueuedSequenceNumber);
  }
  let done = false;
  let resolveCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
  const markCaughtUp = () => {
    done = true;
    resolveCaughtUp();
  };
  let lastError: Error | undefined;
  const subscription = consumer.subscribe(
    {
      processEvents: async (events, context) => {
        for (const received of events) {
          const event = fromReceived(received);
          if (event) route(event)?.applyFromHub(event);
        }
        const last = events.at(-1);
        const target = owed.get(context.partitionId);
        if (last && target !== undefined && last.sequenceNumber >= target) owed.delete(context.partitionId);
        if (owed.size === 0) markCaughtUp();
      },
      processError: async (error) => {
        lastError = error;
      },
    },
    { startPosition: { enqueuedOn: replayFrom }, maxBatchSize: READ_BATCH },
  );
  if (owed.size === 0) markCaughtUp();
  return { subscription, caughtUp, isCaughtUp: () => done, lastError: () => lastError };
}

/**
 * Tells subscribers of the deposits and reinforcements read from the hub: one reader per partition across
 * the workers of the notices group, checkpointing after each batch, so each event is told once (after a
 * crash, the batch in hand is told again). With no checkpoint yet it starts at the earliest event the hub keeps and
 * stays quiet about trails that have already evaporated.
 */
export function startNoticeFeed(consumer: PheromoneConsumer, serves: (tenant: string) => boolean, clock: () => number, notify: (notice: PheromoneNotice) => void): Subscription {
  const told = new RecentIds();
  return consumer.subscribe(
    {
      processEvents: async (events, context) => {
        for (const received of events) {
          const event = fromReceived(received);
          if (!event || !serves(event.tenant) || event.op === 'withdraw' || !event.result) continue;
          if (!told.add(event.eventId) || event.result.expiresAt <= clock()) continue;
          notify({ tenant: event.tenant, id: event.result.id, type: event.type, location: event.location });
        }
        const last = events.at(-1);
        if (last) await context.updateCheckpoint(last);
      },
      processError: async () => undefined,
    },
    { startPosition: earliestEventPosition, maxBatchSize: READ_BATCH },
  );
}
