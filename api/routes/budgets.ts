import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../activities/audit/activities.js';
import { createModelStore } from '../../activities/models/store.js';
import { budgetRemaining } from '../../core/routing/budget.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { parseOr400 } from '../errors.js';
import type { BudgetView } from '../model-schemas.js';
import { ROUTES } from './catalog.js';

/** Audit kind and pseudo task id of a budget change (the audit trail is keyed by task; a budget belongs to none). */
export const BUDGET_AUDIT = { kind: 'model.budget_changed', taskId: 'model-budget' } as const;

/** GET and PUT /v1/budgets: always the key's own tenant; there is no parameter that could name another. */
export function registerBudgetRoutes(scope: FastifyInstance, { db, defaultDailyBudgetUsd }: { db: Db; defaultDailyBudgetUsd?: number }): void {
  const store = createModelStore(db);

  async function view(tenant: string): Promise<BudgetView> {
    const [own, spentTodayUsd] = await Promise.all([store.dailyBudget(tenant), store.spentToday(tenant)]);
    const dailyBudgetUsd = own ?? defaultDailyBudgetUsd;
    const remainingTodayUsd = budgetRemaining(dailyBudgetUsd, spentTodayUsd);
    return {
      tenant,
      source: own !== undefined ? 'tenant' : dailyBudgetUsd !== undefined ? 'default' : 'none',
      spentTodayUsd,
      ...(dailyBudgetUsd !== undefined ? { dailyBudgetUsd } : {}),
      ...(remainingTodayUsd !== undefined ? { remainingTodayUsd } : {}),
    };
  }

  const get = ROUTES.getBudget;
  scope.route({
    method: get.method,
    url: get.url,
    handler: async (request) => view(authorize(request, get.permission).tenant),
  });

  const put = ROUTES.putBudget;
  scope.route({
    method: put.method,
    url: put.url,
    handler: async (request) => {
      const principal = authorize(request, put.permission);
      const { dailyBudgetUsd } = parseOr400(put.body, request.body);
      await store.setDailyBudget(principal.tenant, dailyBudgetUsd, (client, previousUsd) =>
        appendAudit(client, {
          tenant: principal.tenant,
          taskId: BUDGET_AUDIT.taskId,
          kind: BUDGET_AUDIT.kind,
          actor: principal.name,
          details: { dailyBudgetUsd, previousUsd: previousUsd ?? null, keyId: principal.keyId },
          // Every change is its own fact, even one that sets the same amount again.
          idempotencyKey: `api:model.budget_changed:${randomUUID()}`,
        }).then(() => undefined),
      );
      return view(principal.tenant);
    },
  });
}
