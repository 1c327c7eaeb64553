import type { FastifyInstance } from 'fastify';
import { createModelStore } from '../../activities/models/store.js';
import type { Db } from '../../infra/db/pool.js';
import { authorize } from '../auth/http.js';
import { badRequest, parseOr400 } from '../errors.js';
import type { CostReport } from '../model-schemas.js';
import { ROUTES } from './catalog.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** GET /v1/costs: always the key's own tenant; there is no parameter that could name another. */
export function registerCostRoutes(scope: FastifyInstance, { db, defaultDailyBudgetUsd }: { db: Db; defaultDailyBudgetUsd?: number }): void {
  const store = createModelStore(db);
  const costs = ROUTES.costs;
  scope.route({
    method: costs.method,
    url: costs.url,
    handler: async (request) => {
      const principal = authorize(request, costs.permission);
      const query = parseOr400(costs.query, request.query);
      const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
      const to = query.to ?? isoDay(today);
      const from = query.from ?? isoDay(Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS);
      const fromMs = Date.parse(`${from}T00:00:00Z`);
      const toMs = Date.parse(`${to}T00:00:00Z`);
      if (Number.isNaN(fromMs)) throw badRequest('from: not a calendar day', 'from');
      if (Number.isNaN(toMs)) throw badRequest('to: not a calendar day', 'to');
      if (fromMs > toMs) throw badRequest('from must not be after to', 'from');
      if ((toMs - fromMs) / DAY_MS >= MAX_DAYS) throw badRequest(`at most ${MAX_DAYS} days at a time`, 'from');
      const [rows, spentTodayUsd, budget] = await Promise.all([
        store.costs(principal.tenant, { from, to: isoDay(toMs + DAY_MS), groupBy: query.groupBy, agentType: query.agentType, modelId: query.modelId }),
        store.spentToday(principal.tenant),
        store.dailyBudget(principal.tenant),
      ]);
      const total = rows.reduce(
        (sum, r) => ({ calls: sum.calls + r.calls, failedCalls: sum.failedCalls + r.failedCalls, inputTokens: sum.inputTokens + r.inputTokens, outputTokens: sum.outputTokens + r.outputTokens, costUsd: sum.costUsd + r.costUsd }),
        { calls: 0, failedCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      );
      // Dollars are stored to 10 decimals; the sum is given at the same precision, without float dust.
      total.costUsd = Math.round(total.costUsd * 1e10) / 1e10;
      const dailyBudgetUsd = budget ?? defaultDailyBudgetUsd;
      const body: CostReport = { tenant: principal.tenant, from, to, groupBy: query.groupBy, rows, total, spentTodayUsd, ...(dailyBudgetUsd !== undefined ? { dailyBudgetUsd } : {}) };
      return body;
    },
  });
}
