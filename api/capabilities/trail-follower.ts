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
 * as claimed work stops calling; a trail that is not a valid request is left to evaporate. Notifications are not
 * durable, so following begins by serving every tenant's live trails: nothing laid while no follower ran is lost.
 * Several followers (API replicas) may serve one trail at once: the build's signal-with-start joins them into one.
 */
export async function followCapabilityTrails(deps: { field: PheromoneField; temporal: Client; log: TrailFollowerLog }): Promise<CapabilityTrailFollower> {
  const { field, temporal, log } = deps;
  let stopped = false;
  const chains = new Map<string, Promise<void>>();
  const retries = new Set<NodeJS.Timeout>();
  const refused = new Set<string>();

  const serveTrail = async (tenant: string, trail: Pheromone) => {
    const request = capabilityRequestSchema.safeParse(trail.data);
    if (!request.success) {
      if (!refused.has(trail.id)) log.warn({ tenant, location: trail.location, depositor: trail.depositor }, 'a capability trail that is no capability request is left to evaporate');
      refused.add(trail.id);
      return;
    }
    await askForCapability(temporal, { tenant, request: request.data, requestedBy: `pheromone:${trail.depositor}` });
    await field.withdraw({ tenant, type: 'capability', location: trail.location, depositor: trail.depositor });
  };

  const serveTenant = async (tenant: string) => {
    try {
      for (const trail of await field.detect({ tenant, types: ['capability'], limit: 100 })) await serveTrail(tenant, trail);
    } catch (error) {
      if (stopped) return;
      log.warn({ tenant, error: error instanceof Error ? error.message : String(error) }, 'capability trails could not be served; trying again shortly');
      const retry = setTimeout(() => {
        retries.delete(retry);
        void serve(tenant);
      }, RETRY_MS);
      retries.add(retry);
    }
  };

  // One tenant's trails are served one pass at a time; a notice during a pass queues one more pass.
  const serve = (tenant: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    const next = (chains.get(tenant) ?? Promise.resolve()).then(() => serveTenant(tenant));
    chains.set(tenant, next);
    void next.finally(() => {
      if (chains.get(tenant) === next) chains.delete(tenant);
    });
    return next;
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
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        if (stopped) return;
      }
    }
  };
  const caughtUp = catchUp();

  return {
    caughtUp,
    async stop() {
      stopped = true;
      for (const retry of retries) clearTimeout(retry);
      await unsubscribe();
      await Promise.allSettled([...chains.values()]);
    },
  };
}
