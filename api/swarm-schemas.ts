import { z } from 'zod';
import { PHEROMONE_STRENGTH, PHEROMONE_TYPES } from '../core/swarm/pheromones.js';
import { jsonObject } from '../core/tasks/submission.js';

const levels = Object.keys(PHEROMONE_STRENGTH) as [keyof typeof PHEROMONE_STRENGTH, ...Array<keyof typeof PHEROMONE_STRENGTH>];

export const pheromoneDeposit = z
  .object({
    type: z.enum(PHEROMONE_TYPES),
    location: z.string().min(1).max(200).describe('The place it marks, e.g. finance.reconciliation or integrations.stripe'),
    strength: z.union([z.number().min(0).max(1), z.enum(levels)]).default('MEDIUM').describe('0–1, or TRACE 0.1, LOW 0.3, MEDIUM 0.5, HIGH 0.7, CRITICAL 1.0'),
    ttlSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(300).describe('It evaporates linearly to nothing over this time'),
    reinforce: z.boolean().default(false).describe('Add to what is left of this depositor’s trail here (capped at 1) instead of refreshing it'),
    data: jsonObject.default({}),
  })
  .strict();

export const pheromoneQuery = z
  .object({
    type: z
      .string()
      .optional()
      .transform((value) => (value ? value.split(',') : undefined))
      .pipe(z.array(z.enum(PHEROMONE_TYPES)).optional())
      .describe('One type or several, comma-separated'),
    location: z.string().min(1).max(200).optional(),
    minStrength: z.coerce.number().min(0).max(1).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const pheromone = z
  .object({
    id: z.string(),
    tenant: z.string(),
    type: z.enum(PHEROMONE_TYPES),
    location: z.string(),
    depositor: z.string(),
    strength: z.number().describe('As deposited or last reinforced'),
    current: z.number().describe('Now, after evaporation'),
    depositedAt: z.string(),
    expiresAt: z.string(),
    data: jsonObject,
  })
  .strict();
export const pheromoneList = z.object({ tenant: z.string(), count: z.number(), pheromones: z.array(pheromone) }).strict();

export function strengthOf(value: number | keyof typeof PHEROMONE_STRENGTH): number {
  return typeof value === 'number' ? value : PHEROMONE_STRENGTH[value];
}

/** Component names in the OpenAPI document. */
export const SWARM_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [pheromoneDeposit, 'PheromoneDeposit'],
  [pheromoneQuery, 'PheromoneQuery'],
  [pheromone, 'Pheromone'],
  [pheromoneList, 'PheromoneList'],
];
