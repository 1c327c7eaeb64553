import { z } from 'zod';
import { POOL_NAMES } from '../core/tasks/queues.js';

export const swarmMetricsQuery = z
  .object({
    periodHours: z.coerce.number().min(1 / 60).max(24 * 90).default(24).describe('The window awards are counted over, ending now'),
    slaSeconds: z.coerce.number().int().min(1).max(30 * 24 * 3600).default(300).describe('Submission to completion within this counts as within SLA'),
  })
  .strict();

export const swarmMetricsView = z
  .object({
    tenant: z.string(),
    since: z.string(),
    slaSeconds: z.number(),
    agents: z.number().int().describe('Instances of every deployed agent type, retired ones excluded'),
    running: z.number().int().describe('Warming, active or idle'),
    loadGini: z.number().describe('Evenness of tasks awarded per agent over the period: 0 even, towards 1 one agent does all (target < 0.3)'),
    loadGiniByType: z.record(z.string(), z.number()),
    idlePercent: z.number().describe('Running agents holding no task now'),
    utilisationPercent: z.number().describe('Tasks held now / capacity of running agents'),
    completedWithinSlaPercent: z.number().nullable().describe('Of the period’s finished awards; null when none finished'),
    timeToAssignmentMs: z.object({ p50: z.number(), p99: z.number() }).strict().describe('Submission → award'),
    awards: z.number().int(),
  })
  .strict();

const queueBacklog = z
  .object({ backlog: z.number(), oldestSeconds: z.number(), addRate: z.number(), dispatchRate: z.number(), pollers: z.number().int() })
  .strict();
export const backlogView = z
  .object({
    namespace: z.string(),
    pools: z.array(z.object({ pool: z.enum(POOL_NAMES as [string, ...string[]]), taskQueue: z.string(), workflowTasks: queueBacklog, activityTasks: queueBacklog }).strict()),
  })
  .strict();

/** Component names in the OpenAPI document. */
export const METRICS_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [swarmMetricsQuery, 'SwarmMetricsQuery'],
  [swarmMetricsView, 'SwarmMetrics'],
  [backlogView, 'PoolBacklog'],
];
