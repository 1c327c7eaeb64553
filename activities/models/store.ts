import type { PoolClient } from 'pg';
import type { CostGroup } from '../../core/routing/budget.js';
import { updateStats, type ModelStats } from '../../core/routing/learning.js';
import { modelSpecSchema, type ModelSpec } from '../../core/routing/model.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

/*
 * What model routing keeps in PostgreSQL: tenants' own models, learned statistics, every call's tokens and
 * dollars, and daily budgets. Costs are always read for one tenant: a tenant never sees another's spending.
 */

export interface ModelCallRecord {
  tenant: string;
  taskId: string;
  agentType: string;
  taskType: string;
  step: string;
  taskAttempt: number;
  activityAttempt: number;
  /** Position in the fallback chain (0 = the router's first choice). */
  seq: number;
  modelId: string;
  provider: string;
  deploymentId: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  success: boolean;
  errorKind?: string;
}


export interface CostRow {
  key: string;
  calls: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const GROUP_SQL: Record<CostGroup, string> = {
  day: `to_char(called_at at time zone 'UTC', 'YYYY-MM-DD')`,
  agent: 'agent_type',
  model: 'model_id',
  task: 'task_id',
};

export function createModelStore(db: Db) {
  return {
    async tenantModels(tenant: string): Promise<ModelSpec[]> {
      const rows = await db.query<{ spec: unknown }>('select spec from model_registry where tenant_id = $1 order by model_id', [tenant]);
      // Rows were validated on the way in; parsing again keeps a hand-edited row from reaching the router.
      return rows.rows.flatMap((row) => {
        const parsed = modelSpecSchema.safeParse(row.spec);
        return parsed.success ? [parsed.data] : [];
      });
    },

    /** Adds or replaces one of the tenant's models; `created` tells which. */
    async upsertTenantModel(tenant: string, spec: ModelSpec): Promise<{ created: boolean }> {
      const result = await db.query<{ created: boolean }>(
        `insert into model_registry (tenant_id, model_id, spec) values ($1, $2, $3)
         on conflict (tenant_id, model_id) do update set spec = excluded.spec, updated_at = now()
         returning (xmax = 0) as created`,
        [tenant, spec.id, JSON.stringify(spec)],
      );
      return { created: result.rows[0]?.created ?? false };
    },

    async stats(modelIds: readonly string[]): Promise<Map<string, ModelStats>> {
      const rows = await db.query<{ model_id: string; calls: string; success_rate: number; latency_ms: number }>(
        'select model_id, calls, success_rate, latency_ms from model_stats where model_id = any($1)',
        [modelIds],
      );
      return new Map(rows.rows.map((r) => [r.model_id, { calls: Number(r.calls), successRate: r.success_rate, latencyMs: r.latency_ms }] as const));
    },

    /**
     * Records one call and, only when the row is new, folds it into the model's moving averages — in one
     * transaction, so a retried write neither duplicates the call nor counts it twice.
     */
    async recordCall(call: ModelCallRecord): Promise<{ recorded: boolean }> {
      return inTransaction(db, async (client) => {
        const inserted = await client.query(
          `insert into model_calls (tenant_id, task_id, agent_type, task_type, step, task_attempt, activity_attempt, seq, model_id, provider,
             deployment_id, input_tokens, output_tokens, cost_usd, latency_ms, success, error_kind)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           on conflict (tenant_id, task_id, step, task_attempt, activity_attempt, seq) do nothing`,
          [
            call.tenant, call.taskId, call.agentType, call.taskType, call.step, call.taskAttempt, call.activityAttempt, call.seq, call.modelId,
            call.provider, call.deploymentId, call.inputTokens, call.outputTokens, call.costUsd, Math.round(call.latencyMs), call.success, call.errorKind ?? null,
          ],
        );
        if (inserted.rowCount === 0) return { recorded: false };
        await foldIntoStats(client, call);
        return { recorded: true };
      });
    },

    async spentToday(tenant: string, now = new Date()): Promise<number> {
      const rows = await db.query<{ spent: string | null }>(
        `select sum(cost_usd) as spent from model_calls
         where tenant_id = $1 and called_at >= date_trunc('day', $2::timestamptz at time zone 'UTC') at time zone 'UTC'`,
        [tenant, now.toISOString()],
      );
      return Number(rows.rows[0]?.spent ?? 0);
    },

    async dailyBudget(tenant: string): Promise<number | undefined> {
      const rows = await db.query<{ daily_budget_usd: string }>('select daily_budget_usd from model_budgets where tenant_id = $1', [tenant]);
      const value = rows.rows[0]?.daily_budget_usd;
      return value === undefined ? undefined : Number(value);
    },

    /**
     * Sets the tenant's daily budget and returns the one it replaced. `alongside` (e.g. the audit entry) runs in the
     * same transaction: the budget and its record are written together or not at all.
     */
    async setDailyBudget(
      tenant: string,
      dailyBudgetUsd: number,
      alongside?: (client: PoolClient, previousUsd: number | undefined) => Promise<void>,
    ): Promise<{ previousUsd?: number }> {
      return inTransaction(db, async (client) => {
        // The row lock orders concurrent changes, so each one's "previous" is the one it really replaced.
        const current = await client.query<{ daily_budget_usd: string }>('select daily_budget_usd from model_budgets where tenant_id = $1 for update', [tenant]);
        const previous = current.rows[0]?.daily_budget_usd;
        const previousUsd = previous === undefined ? undefined : Number(previous);
        await client.query(
          `insert into model_budgets (tenant_id, daily_budget_usd) values ($1, $2)
           on conflict (tenant_id) do update set daily_budget_usd = excluded.daily_budget_usd, updated_at = now()`,
          [tenant, dailyBudgetUsd],
        );
        await alongside?.(client, previousUsd);
        return previousUsd === undefined ? {} : { previousUsd };
      });
    },

    /** Tokens and dollars of one tenant's calls in [from, to) (UTC days), grouped. */
    async costs(tenant: string, query: { from: string; to: string; groupBy: CostGroup; agentType?: string; modelId?: string }): Promise<CostRow[]> {
      const group = GROUP_SQL[query.groupBy];
      const rows = await db.query<{ key: string; calls: string; failed: string; input_tokens: string; output_tokens: string; cost_usd: string }>(
        `select ${group} as key, count(*) as calls, count(*) filter (where not success) as failed,
                sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, sum(cost_usd) as cost_usd
         from model_calls
         where tenant_id = $1
           and called_at >= ($2::date)::timestamp at time zone 'UTC'
           and called_at < ($3::date)::timestamp at time zone 'UTC'
           and ($4::text is null or agent_type = $4)
           and ($5::text is null or model_id = $5)
         group by 1 order by 1`,
        [tenant, query.from, query.to, query.agentType ?? null, query.modelId ?? null],
      );
      return rows.rows.map((r) => ({
        key: r.key,
        calls: Number(r.calls),
        failedCalls: Number(r.failed),
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        costUsd: Number(r.cost_usd),
      }));
    },
  };
}
export type ModelStore = ReturnType<typeof createModelStore>;

async function foldIntoStats(client: PoolClient, call: ModelCallRecord): Promise<void> {
  // Row lock: concurrent calls of the same model fold in one after another, never over each other.
  const current = await client.query<{ calls: string; success_rate: number; latency_ms: number }>(
    'select calls, success_rate, latency_ms from model_stats where model_id = $1 for update',
    [call.modelId],
  );
  const row = current.rows[0];
  const next = updateStats(row ? { calls: Number(row.calls), successRate: row.success_rate, latencyMs: row.latency_ms } : undefined, {
    success: call.success,
    latencyMs: call.latencyMs,
  });
  await client.query(
    `insert into model_stats (model_id, calls, successes, success_rate, latency_ms) values ($1, $2, $3, $4, $5)
     on conflict (model_id) do update set calls = excluded.calls, successes = model_stats.successes + excluded.successes,
       success_rate = excluded.success_rate, latency_ms = excluded.latency_ms, updated_at = now()`,
    [call.modelId, next.calls, call.success ? 1 : 0, next.successRate, next.latencyMs],
  );
}
