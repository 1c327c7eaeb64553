import type { EventData, EventHubProducerClient } from '@azure/event-hubs';

/** What the field needs of a producer: the real client and the test fake both have it. */
export type PheromoneProducer = Pick<EventHubProducerClient, 'createBatch' | 'sendBatch' | 'close'>;

export interface BatchingOptions {
  /** How long the first event of a burst waits for company before it is sent. */
  windowMs: number;
  /** A burst this large is sent at once, without waiting out the window. */
  maxEvents: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { windowMs: 5, maxEvents: 500 };

interface Queued {
  event: EventData;
  partitionKey: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Sends events in few round trips: whatever is queued within a short window goes out together, one batch per
 * partition key (so one location's events stay in order in one partition), each batch filled up to the hub's size
 * limit. A send resolves only once the hub has accepted the event's batch.
 */
export class BatchingSender {
  private queue: Queued[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** The last send of each partition key: the next one waits for it, so a key's events reach the hub in order. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly producer: PheromoneProducer,
    private readonly options: BatchingOptions = DEFAULT_BATCHING,
  ) {}

  send(event: EventData, partitionKey: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, partitionKey, resolve, reject });
      if (this.queue.length >= this.options.maxEvents) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  /** Sends what is queued now; resolves when every send started so far has settled. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const burst = this.queue;
    this.queue = [];
    const byKey = new Map<string, Queued[]>();
    for (const queued of burst) byKey.set(queued.partitionKey, [...(byKey.get(queued.partitionKey) ?? []), queued]);
    for (const [partitionKey, events] of byKey) {
      const previous = this.tails.get(partitionKey) ?? Promise.resolve();
      const sending: Promise<void> = previous.then(() => this.sendInOrder(partitionKey, events)).finally(() => {
        this.inFlight.delete(sending);
        if (this.tails.get(partitionKey) === sending) this.tails.delete(partitionKey);
      });
      this.tails.set(partitionKey, sending);
      this.inFlight.add(sending);
    }
  }

  /** One key's events, in as few batches as fit, in order; a failed batch fails its own events only. */
  private async sendInOrder(partitionKey: string, events: Queued[]): Promise<void> {
    let rest = events;
    while (rest.length > 0) {
      const members: Queued[] = [];
      try {
        const batch = await this.producer.createBatch({ partitionKey });
        for (const queued of rest) {
          if (!batch.tryAdd(queued.event)) break;
          members.push(queued);
        }
        if (members.length === 0) {
          const [tooLarge, ...others] = rest;
          tooLarge?.reject(new Error(`pheromone event larger than the hub's batch limit of ${batch.maxSizeInBytes} bytes`));
          rest = others;
          continue;
        }
        rest = rest.slice(members.length);
        await this.producer.sendBatch(batch);
        for (const queued of members) queued.resolve();
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        // The client already retried; later events of this key are failed too, so none overtakes one that was lost.
        for (const queued of members.length > 0 ? [...members, ...rest] : rest) queued.reject(failure);
        return;
      }
    }
  }
}
