import type { Client } from '@temporalio/client';
import type { Pheromone, PheromoneField } from '../../activities/swarm/ports.js';
import { capabilityRequestSchema } from '../../core/tools/capability.js';
import { askForCapability } from './ask.js';

/** After a failed attempt (Temporal or the database unreachable), a tenant's trails are looked at again this much later. */
const RETRY_MS = 5_000;

export interface TrailFollowerLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface CapabilityTrailFollower {
  /** Settles once the trails that were live when following began have been served (or failed and been rescheduled). */
  readonly caughtUp: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Capability pheromones call the meta-agent: whoever lays one (an agent that met an API it has no tools for, a person
 * through the API) gets the build started — the trail's data is the capability request. Served trails are withdrawn,
 * as claimed work stops calling; so is a trail that is no valid request, with a warning. Notifications are not
 * durable, so following begins by serving every tenant's live trails: nothing laid while no follower ran is lost.
 * Several followers (API replicas) may serve one trail at once: the build's signal-with-start joins them into one.
 */
export async function followCapabilityTrails(deps: { field: PheromoneField; temporal: Client; log: TrailFollowerLog }): Promise<CapabilityTrailFollower> {
  const { field, temporal, log } = deps;
  let stopped = false;
  const passes = new Map<string, { running: Promise<void>; again: boolean }>();
  // Waits between tries; stopping ends every wait at once.
  const waits = new Map<NodeJS.Timeout, () => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.set(timer, resolve);
    });

  const serveTrail = async (tenant: string, trail: Pheromone) => {
    const request = capabilityRequestSchema.safeParse(trail.data);
    // A trail that can never be served is withdrawn too, so it cannot crowd out those that can.
    if (!request.success) log.warn({ tenant, location: trail.location, depositor: trail.depositor }, 'a capability trail that is no capability request was withdrawn');
    else await askForCapability(temporal, { tenant, request: request.data, requestedBy: `pheromone:${trail.depositor}` });
    await field.withdraw({ tenant, type: 'capability', location: trail.location, depositor: trail.depositor });
  };

  const serveTenant = async (tenant: string) => {
    try {
      for (const trail of await field.detect({ tenant, types: ['capability'], limit: 100 })) await serveTrail(tenant, trail);
    } catch (error) {
      if (stopped) return;
      log.warn({ tenant, error: error instanceof Error ? error.message : String(error) }, 'capability trails could not be served; trying again shortly');
      void pause(RETRY_MS).then(() => serve(tenant));
    }
  };

  // One tenant's trails are served one pass at a time; notices during a pass ask for one more pass, however many.
  const serve = (tenant: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    const current = passes.get(tenant);
    if (current) {
      current.again = true;
      return current.running;
    }
    const pass = { again: false, running: Promise.resolve() };
    pass.running = (async () => {
      do {
        pass.again = false;
        await serveTenant(tenant);
      } while (pass.again && !stopped);
      passes.delete(tenant);
    })();
    passes.set(tenant, pass);
    return pass.running;
  };

  const unsubscribe = await field.subscribe((notice) => {
    if (notice.type === 'capability') void serve(notice.tenant);
  });
  const catchUp = async (): Promise<void> => {
    for (;;) {
      try {
        await Promise.all((await field.tenantsWith('capability')).map(serve));
        return;
      } catch (error) {
        if (stopped) return;
        log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not list the tenants with capability trails; trying again shortly');
        await pause(RETRY_MS);
        if (stopped) return;
      }
    }
  };
  const caughtUp = catchUp();

  return {
    caughtUp,
    async stop() {
      stopped = true;
      for (const [timer, resolve] of waits) {
        clearTimeout(timer);
        resolve();
      }
      waits.clear();
      await unsubscribe();
      await Promise.allSettled([...passes.values()].map((pass) => pass.running));
    },
  };
}
