import { z } from 'zod';
import type { EventData, ReceivedEventData } from '@azure/event-hubs';
import { PHEROMONE_TYPES } from '../../../core/swarm/pheromones.js';
import { jsonObject } from '../../../core/tasks/submission.js';

/*
 * One change to the pheromone field as it travels through the hub. Writers send operations (not states) so that
 * concurrent reinforcements of one trail add up on every reader, folded in the partition's order; each event also
 * carries the writer's resulting trail, which a reader uses only when it holds no history for that trail (its cache
 * was rebuilt after the trail's earlier events left the replay window).
 */

export const TRAIL_EVENT_VERSION = 1;

const resultingTrail = z
  .object({ id: z.string().min(1), strength: z.number().min(0).max(1), depositedAt: z.number(), expiresAt: z.number() })
  .strict();

export const trailEvent = z
  .object({
    v: z.literal(TRAIL_EVENT_VERSION),
    eventId: z.string().min(1).max(100),
    op: z.enum(['deposit', 'reinforce', 'withdraw']),
    tenant: z.string().min(1).max(128),
    type: z.enum(PHEROMONE_TYPES),
    location: z.string().min(1).max(200),
    depositor: z.string().min(1).max(200),
    strength: z.number().min(0).max(1),
    ttlMs: z.number().int().min(0),
    /** The writer's clock when it wrote: evaporation and TTLs count from here on every reader. */
    at: z.number(),
    data: jsonObject,
    /** The trail as the writer left it (null after a withdrawal). */
    result: resultingTrail.nullable(),
  })
  .strict();
export type TrailEvent = z.output<typeof trailEvent>;

/** One trail is one (tenant, type, location, depositor), as in every adapter. */
export function trailKey(event: Pick<TrailEvent, 'type' | 'location' | 'depositor'>): string {
  return JSON.stringify([event.type, event.location, event.depositor]);
}

/** The message for the hub; the event id doubles as the AMQP message id so a retried send can be recognised. */
export function toEventData(event: TrailEvent): EventData {
  return {
    body: event,
    contentType: 'application/json',
    messageId: event.eventId,
    properties: { kind: 'ants.pheromone', op: event.op, tenant: event.tenant },
  };
}

/** The event in a received message, or null for anything that is not one of ours (other producers may share a hub). */
export function fromReceived(received: ReceivedEventData): TrailEvent | null {
  const parsed = trailEvent.safeParse(received.body);
  return parsed.success ? parsed.data : null;
}
