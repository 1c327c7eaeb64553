import { ALARM, ALARM_LOCATION, type ThreatSeverity } from '../../core/swarm/threats.js';
import type { PheromoneField } from './ports.js';

/** The threat response's side of the pheromone field (memory pool). */
export function createThreatActivities({ field }: { field: PheromoneField }) {
  return {
    /**
     * Lays the alarm: a danger trail at the security location, as strong and as long-lived as the severity says. The
     * trail is the threat's own (its depositor), so a retry refreshes it rather than stacking a second one.
     */
    async raiseAlarm(input: { tenant: string; threatId: string; severity: ThreatSeverity; title: string }): Promise<{ location: string; strength: number }> {
      const alarm = ALARM[input.severity];
      await field.deposit({
        tenant: input.tenant,
        type: 'danger',
        location: ALARM_LOCATION,
        depositor: `threat:${input.threatId}`,
        strength: alarm.strength,
        ttlMs: alarm.ttlMs,
        data: { threatId: input.threatId, severity: input.severity, title: input.title },
      });
      return { location: ALARM_LOCATION, strength: alarm.strength };
    },
  };
}
export type ThreatActivities = ReturnType<typeof createThreatActivities>;
