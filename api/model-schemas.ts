import { z } from 'zod';
import { COST_GROUPS } from '../core/routing/budget.js';
import { modelIdSchema, modelSpecSchema } from '../core/routing/model.js';

/* The bodies and answers of the model registry and cost routes (re-exported by api/schemas.ts). */

export { modelSpecSchema };

export const modelParams = z.object({ id: modelIdSchema.describe('The model id') }).strict();

const modelStats = z.object({ calls: z.number().int(), successRate: z.number(), latencyMs: z.number() }).strict();

export const modelList = z
  .object({
    models: z.array(
      z
        .object({
          model: modelSpecSchema,
          source: z.enum(['shipped', 'tenant']).describe("shipped: the registry file; tenant: added or updated through the API for this key's tenant"),
          stats: modelStats.optional().describe('What the router has learned (moving averages); absent before the first call'),
        })
        .strict(),
    ),
  })
  .strict();
export type ModelList = z.infer<typeof modelList>;

export const modelUpserted = z.object({ model: modelSpecSchema, created: z.boolean() }).strict();

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const costQuery = z
  .object({
    from: day.optional().describe('First UTC day (inclusive); default: 6 days before today'),
    to: day.optional().describe('Last UTC day (inclusive); default: today'),
    groupBy: z.enum(COST_GROUPS).default('day'),
    agentType: z.string().min(1).max(128).optional(),
    modelId: modelIdSchema.optional(),
  })
  .strict();
export type CostQuery = z.infer<typeof costQuery>;

const costTotals = z
  .object({ calls: z.number().int(), failedCalls: z.number().int(), inputTokens: z.number().int(), outputTokens: z.number().int(), costUsd: z.number() })
  .strict();

export const costReport = z
  .object({
    tenant: z.string(),
    from: day,
    to: day,
    groupBy: z.enum(COST_GROUPS),
    rows: z.array(costTotals.extend({ key: z.string() }).strict()),
    total: costTotals,
    dailyBudgetUsd: z.number().optional(),
    spentTodayUsd: z.number(),
  })
  .strict();
export type CostReport = z.infer<typeof costReport>;

const routingDecision = z.object({
  modelId: z.string(),
  provider: z.string(),
  fallbacks: z.array(z.string()),
  reason: z.string(),
  estimatedCostUsd: z.number(),
  estimatedLatencyMs: z.number(),
  confidence: z.number(),
  score: z.number(),
  rule: z.string().optional(),
  customRouter: z.string().optional(),
  downgraded: z.boolean(),
  eligible: z.number().int(),
});

export const modelRouting = z.object({
  decision: routingDecision,
  usedModel: z.string(),
  calls: z.array(
    z.object({
      modelId: z.string(),
      deploymentId: z.string(),
      outcome: z.enum(['answered', 'failed']),
      errorKind: z.string().optional(),
      error: z.string().optional(),
      latencyMs: z.number(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      costUsd: z.number(),
    }),
  ),
  costUsd: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
});

export const budgetSetting = z
  .object({
    dailyBudgetUsd: z
      .number()
      .min(0)
      .max(1_000_000_000)
      .describe("Dollars this key's tenant may spend on models per UTC day; 0 stops every paid call (free models still answer)"),
  })
  .strict();
export type BudgetSetting = z.infer<typeof budgetSetting>;

export const budgetView = z
  .object({
    tenant: z.string(),
    dailyBudgetUsd: z.number().optional().describe('Absent when neither the tenant nor the deployment sets a budget'),
    source: z.enum(['tenant', 'default', 'none']).describe("tenant: set through the API; default: the deployment's ANTS_MODEL_DAILY_BUDGET_USD"),
    spentTodayUsd: z.number(),
    remainingTodayUsd: z.number().optional(),
  })
  .strict();
export type BudgetView = z.infer<typeof budgetView>;
