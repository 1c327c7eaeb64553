import { heartbeat } from '@temporalio/activity';
import type { ApplyEffectsRequest, ApplyEffectsResult } from '../../core/tasks/steps.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

export interface IntegrationsDeps {
  db: Db;
}

/**
 * Applies a task's approved effects. The local profile's effect sink is the `applied_effects` table (the outbox
 * downstream systems read); each effect is keyed by (tenant, task, effect key), so a retry after a crash applies
 * nothing twice. All of a task's effects land in one transaction: either all or none.
 */
export function createIntegrationsActivities({ db }: IntegrationsDeps) {
  return {
    async applyEffects({ task, effects }: ApplyEffectsRequest): Promise<ApplyEffectsResult> {
      heartbeat();
      return inTransaction(db, async (client) => {
        const result: ApplyEffectsResult = { applied: [], alreadyApplied: [] };
        for (const effect of effects) {
          const inserted = await client.query(
            `insert into applied_effects (tenant_id, task_id, effect_key, kind, payload) values ($1, $2, $3, $4, $5)
             on conflict do nothing`,
            [task.tenant, task.taskId, effect.key, effect.kind, JSON.stringify(effect.payload)],
          );
          (inserted.rowCount === 1 ? result.applied : result.alreadyApplied).push(effect.key);
        }
        return result;
      });
    },
  };
}
export type IntegrationsActivities = ReturnType<typeof createIntegrationsActivities>;
