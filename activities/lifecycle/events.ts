import type { ActivationResult } from '../../core/agents/agent.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { inTransaction } from '../../infra/db/pool.js';
import { activateAgent, type ActivationDeps } from './activation.js';

export interface IngestedEvent {
  tenant: string;
  eventId: string;
  type: string;
  payload: JsonObject;
}

/**
 * Event-driven activation: records the event once per (tenant, event id), counts it toward every trigger on its
 * type, and wakes the agent type of each trigger whose count reached its threshold (keeping it up for the trigger's
 * sleep-after-idle minutes). A repeated event id counts nothing and wakes nothing.
 */
export async function ingestEvent(deps: ActivationDeps, event: IngestedEvent): Promise<{ duplicate: boolean; woke: ActivationResult[] }> {
  const due = await inTransaction(deps.db, async (client) => {
    const inserted = await client.query('insert into agent_events (tenant_id, event_id, event_type, payload) values ($1, $2, $3, $4) on conflict do nothing', [
      event.tenant,
      event.eventId,
      event.type,
      JSON.stringify(event.payload),
    ]);
    if (inserted.rowCount === 0) return undefined;
    const counted = await client.query<{ agent_type: string; threshold: number; pending_count: number; sleep_after_idle_minutes: number }>(
      `update agent_event_triggers set pending_count = pending_count + 1 where tenant_id = $1 and event_type = $2
       returning agent_type, threshold, pending_count, sleep_after_idle_minutes`,
      [event.tenant, event.type],
    );
    const reached = counted.rows.filter((row) => row.pending_count >= row.threshold);
    for (const row of reached) {
      await client.query('update agent_event_triggers set pending_count = 0 where tenant_id = $1 and event_type = $2 and agent_type = $3', [event.tenant, event.type, row.agent_type]);
    }
    return reached;
  });
  if (!due) {
    const previous = await deps.db.query<{ woke: ActivationResult[] }>('select woke from agent_events where tenant_id = $1 and event_id = $2', [event.tenant, event.eventId]);
    return { duplicate: true, woke: previous.rows[0]?.woke ?? [] };
  }
  const woke: ActivationResult[] = [];
  for (const trigger of due) {
    woke.push(await activateAgent(deps, { tenant: event.tenant, agentType: trigger.agent_type, reason: `event:${event.type}`, keepAliveMinutes: trigger.sleep_after_idle_minutes }));
  }
  await deps.db.query('update agent_events set woke = $3 where tenant_id = $1 and event_id = $2', [event.tenant, event.eventId, JSON.stringify(woke)]);
  return { duplicate: false, woke };
}
