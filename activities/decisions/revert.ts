import type { ProposedEffect } from '../../core/tasks/task.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

export interface RevertRequest {
  tenant: string;
  taskId: string;
  workflowId: string;
  effects: ProposedEffect[];
  revertedBy: string;
}

/**
 * `human_on_the_loop`: a person reverted what the agent already applied. Each reversal is written once to the
 * compensation outbox (keyed like the effect it undoes), with one audit row for the whole revert.
 */
export async function revertEffects(db: Db, request: RevertRequest): Promise<{ reverted: string[] }> {
  return inTransaction(db, async (client) => {
    const reverted: string[] = [];
    for (const effect of request.effects) {
      const applied = await client.query('select 1 from applied_effects where tenant_id = $1 and task_id = $2 and effect_key = $3', [request.tenant, request.taskId, effect.key]);
      if (applied.rowCount !== 1) continue;
      const inserted = await client.query(
        'insert into reverted_effects (tenant_id, task_id, effect_key, reverted_by) values ($1, $2, $3, $4) on conflict do nothing',
        [request.tenant, request.taskId, effect.key, request.revertedBy],
      );
      if (inserted.rowCount === 1) reverted.push(effect.key);
    }
    await client.query(
      `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key) values ($1, $2, 'task.reverted', $3, $4, $5)
       on conflict (idempotency_key) do nothing`,
      [request.tenant, request.taskId, request.revertedBy, JSON.stringify({ effects: request.effects.map((e) => e.key) }), `${request.workflowId}:task.reverted`],
    );
    return { reverted };
  });
}
