import { z } from 'zod';
import { PHEROMONE_STRENGTH, PHEROMONE_TYPES } from '../core/swarm/pheromones.js';
import { artifactId } from '../activities/swarm/ports.js';
import { ARTIFACT_STATUSES } from '../core/swarm/stigmergy.js';
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

export const artifactSubmission = z
  .object({
    id: artifactId.describe('Your id for the artifact; leaving it again answers the first'),
    kind: z.string().min(1).max(100).describe('e.g. reconciliation-report, integration-pattern'),
    title: z.string().min(1).max(300),
    content: jsonObject.default({}),
    status: z.enum(['incomplete', 'needs_review']).default('incomplete'),
    continueCapability: z.string().min(1).max(100).describe('The capability an agent needs to continue it'),
    reviewCapability: z.string().min(1).max(100).optional().describe('The capability its reviewer needs (default: the continue capability)'),
  })
  .strict();

export const artifactQuery = z
  .object({ status: z.enum(ARTIFACT_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) })
  .strict();
export const artifactParams = z.object({ id: artifactId }).strict();

export const artifact = z
  .object({
    tenant: z.string(),
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    content: jsonObject,
    status: z.enum(ARTIFACT_STATUSES),
    version: z.number().int(),
    continueCapability: z.string(),
    reviewCapability: z.string(),
    createdBy: z.string(),
    lastEditor: z.string().describe('Whose work is on it last; it never reviews its own work'),
    claimedBy: z.string().nullable(),
    claimedUntil: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();
export const artifactEvent = z
  .object({
    id: z.string(),
    artifactId: z.string(),
    version: z.number().int(),
    kind: z.enum(['created', 'claimed', 'updated', 'submitted', 'approved', 'changes_requested', 'released']),
    actor: z.string(),
    status: z.enum(ARTIFACT_STATUSES),
    details: jsonObject,
    at: z.string(),
  })
  .strict();
export const artifactList = z.object({ tenant: z.string(), count: z.number().int(), artifacts: z.array(artifact) }).strict();
export const artifactWithEvents = z.object({ artifact, events: z.array(artifactEvent) }).strict();

/** Component names in the OpenAPI document. */
export const SWARM_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [pheromoneDeposit, 'PheromoneDeposit'],
  [pheromoneQuery, 'PheromoneQuery'],
  [pheromone, 'Pheromone'],
  [pheromoneList, 'PheromoneList'],
  [artifactSubmission, 'ArtifactSubmission'],
  [artifactQuery, 'ArtifactQuery'],
  [artifactId, 'ArtifactId'],
  [artifact, 'Artifact'],
  [artifactEvent, 'ArtifactEvent'],
  [artifactList, 'ArtifactList'],
  [artifactWithEvents, 'ArtifactWithEvents'],
];
