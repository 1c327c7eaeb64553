import type { Deployment, ModelSpec, ProviderLimit, ProviderName } from '../../core/routing/model.js';

/*
 * Rate and concurrency limits per provider inside the `models` pool. A call waits its turn (first come, first
 * served) instead of failing, so a burst of Reason steps queues; the activity keeps heartbeating while it waits.
 * It also counts calls in flight per deployment, which is the load the router scores and the balancer reads.
 */

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

class ProviderGate {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private readonly starts: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: ProviderLimit,
    private readonly now: () => number,
  ) {}

  get waiting(): number {
    return this.queue.length;
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new Error('cancelled while waiting for a model slot'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(new Error('cancelled while waiting for a model slot'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.limit.maxConcurrency) {
      const now = this.now();
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - 1000) this.starts.shift();
      if (this.starts.length >= this.limit.maxPerSecond) {
        // The rate window is full: come back when its oldest start leaves it.
        if (!this.timer) {
          const wait = Math.max(1, (this.starts[0] ?? now) + 1000 - now);
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, wait);
        }
        return;
      }
      const waiter = this.queue.shift() as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.inFlight += 1;
      this.starts.push(now);
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.pump();
      });
    }
  }
}

export interface Slot {
  deployment: Deployment;
  release(): void;
}

export const DEFAULT_PROVIDER_LIMIT: ProviderLimit = { maxConcurrency: 16, maxPerSecond: 50 };

export class ModelLimiter {
  private readonly gates = new Map<ProviderName, ProviderGate>();
  private readonly deploymentLoad = new Map<string, number>();

  constructor(
    private readonly limits: Partial<Record<ProviderName, ProviderLimit>>,
    private readonly now: () => number = Date.now,
  ) {}

  private gate(provider: ProviderName): ProviderGate {
    let gate = this.gates.get(provider);
    if (!gate) {
      gate = new ProviderGate(this.limits[provider] ?? DEFAULT_PROVIDER_LIMIT, this.now);
      this.gates.set(provider, gate);
    }
    return gate;
  }

  private key(model: ModelSpec, deployment: Deployment): string {
    return `${model.id}/${deployment.id}`;
  }

  /** The deployment with the lowest in-flight / capacity (ties: the first listed). */
  leastLoaded(model: ModelSpec): Deployment {
    let best = model.deployments[0] as Deployment;
    let bestLoad = Infinity;
    for (const deployment of model.deployments) {
      const load = (this.deploymentLoad.get(this.key(model, deployment)) ?? 0) / deployment.maxConcurrency;
      if (load < bestLoad) {
        best = deployment;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Calls in flight over the model's total capacity, plus those queued for its provider (so a backlog shows). */
  load(model: ModelSpec): number {
    let inFlight = 0;
    let capacity = 0;
    for (const deployment of model.deployments) {
      inFlight += this.deploymentLoad.get(this.key(model, deployment)) ?? 0;
      capacity += deployment.maxConcurrency;
    }
    const queued = this.gates.get(model.provider)?.waiting ?? 0;
    return capacity > 0 ? (inFlight + queued) / capacity : 0;
  }

  loads(models: readonly ModelSpec[]): Map<string, number> {
    return new Map(models.map((m) => [m.id, this.load(m)] as const));
  }

  /** Waits for the provider's turn, then holds one call on the least-loaded deployment until released. */
  async acquire(model: ModelSpec, signal?: AbortSignal): Promise<Slot> {
    const releaseGate = await this.gate(model.provider).acquire(signal);
    const deployment = this.leastLoaded(model);
    const key = this.key(model, deployment);
    this.deploymentLoad.set(key, (this.deploymentLoad.get(key) ?? 0) + 1);
    let released = false;
    return {
      deployment,
      release: () => {
        if (released) return;
        released = true;
        this.deploymentLoad.set(key, (this.deploymentLoad.get(key) ?? 1) - 1);
        releaseGate();
      },
    };
  }
}
