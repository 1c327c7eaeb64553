import { z } from 'zod';
import { agentTypeName, costTier, repositoryEntry } from '../../core/agents/repository/schema.js';
import { AGENT_STATES } from '../../core/agents/lifecycle.js';
import { identifier, jsonObject } from '../../core/tasks/submission.js';

/* Bodies and answers of the agent repository, deployment, activation, event and cost routes. */

export const repositoryQuery = z
  .object({
    department: z.string().max(64).optional(),
    industry: z.string().max(64).optional(),
    capability: z.string().max(64).optional(),
    category: z.string().max(32).optional(),
    costTier: z.string().max(32).optional(),
  })
  .strict();

export const searchQuery = z.object({ q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(20) }).strict();

const entryView = z.looseObject({ agentType: z.string(), executable: z.boolean() }).describe('A repository entry (see the RepositoryEntry fields) plus whether its task types run today');
export const repositoryList = z.object({ count: z.number().int(), agents: z.array(entryView) }).strict();
export const searchResults = z
  .object({ query: z.string(), ranking: z.string(), count: z.number().int(), results: z.array(z.object({ score: z.number(), matched: z.array(z.string()), agent: entryView }).strict()) })
  .strict();

export const deployRequest = z
  .object({
    agentType: agentTypeName,
    tenant: identifier.optional().describe("Defaults to the API key's tenant; any other tenant is refused."),
    lifecycle: costTier.optional().describe("The tier; defaults to the repository entry's cost tier"),
    schedule: z.object({ cron: z.string().min(9).max(100), timezone: z.string().min(1).max(64) }).strict().optional(),
    keepAliveMinutes: z.number().int().min(1).max(24 * 60).default(60).describe('How long each scheduled wake keeps an agent up'),
    idleMinutes: z.number().int().min(1).max(24 * 60).optional().describe("Sleep after this many idle minutes; defaults to the entry's"),
    capacity: z.number().int().min(1).max(100).default(4).describe('Concurrent tasks per agent'),
    resources: z.record(z.string().max(32), z.string().max(32)).default({}),
    warmInstances: z.number().int().min(0).max(1000).default(0),
    maxInstances: z.number().int().min(1).max(10_000).default(10),
  })
  .strict();
export type DeployRequest = z.infer<typeof deployRequest>;
export const deploymentUpdate = deployRequest.omit({ agentType: true });

export const deploymentParams = z.object({ agentType: agentTypeName }).strict();

export const deployment = z
  .object({
    tenant: z.string(),
    agentType: z.string(),
    tier: costTier,
    created: z.boolean(),
    scheduleId: z.string().nullable(),
    agents: z.array(z.string()).describe('Instances kept, running with the new settings'),
    retired: z.array(z.string()).describe('Instances above a lowered maxInstances, retiring once their tasks are done'),
  })
  .strict();
export const undeployed = z.object({ tenant: z.string(), agentType: z.string(), retired: z.array(z.string()) }).strict();

export const wakeRequest = z
  .object({ agentType: agentTypeName, reason: z.string().min(1).max(200).default('api'), keepAliveMinutes: z.number().int().min(1).max(24 * 60).optional() })
  .strict();
export const activation = z
  .object({ agentId: z.string(), workflowId: z.string(), started: z.boolean(), previousState: z.enum(AGENT_STATES) })
  .strict();

export const eventRequest = z
  .object({ eventId: identifier.describe('Your id for the event; posting it again counts it once'), type: agentTypeName.describe('e.g. transaction.high_value'), payload: jsonObject.default({}) })
  .strict();
export const eventAccepted = z.object({ eventId: z.string(), duplicate: z.boolean(), woke: z.array(activation) }).strict();

export const agentParams = z.object({ id: z.string().min(3).max(120).describe('An agent id: <agent type>-<n>, e.g. finance.reconciliation-1') }).strict();

const costBreakdown = z
  .object({
    activeHours: z.number(),
    sleepingHours: z.number(),
    tokens: z.number(),
    computeUsd: z.number(),
    llmUsd: z.number(),
    storageUsd: z.number(),
    totalUsd: z.number(),
    alwaysOnUsd: z.number().describe('The same hours had the agent never slept'),
    savingUsd: z.number(),
  })
  .strict();
export const agentCosts = z.object({ agentId: z.string(), state: z.enum(AGENT_STATES), llmBasis: z.enum(['metered', 'estimated']), cost: costBreakdown }).strict();
export const tenantCosts = z
  .object({ tenant: z.string(), agents: z.number().int(), byState: z.record(z.string(), z.number().int()), total: costBreakdown, perAgent: z.array(agentCosts) })
  .strict();

export { repositoryEntry };
