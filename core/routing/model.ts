import { z } from 'zod';

/*
 * The model registry's vocabulary: what a model can do, who serves it, what it costs and where it is deployed.
 * Pure data and its validation; the shipped registry (infra/models/registry.json) and the API share these schemas.
 */

export const MODEL_CAPABILITIES = [
  'chat',
  'code_generation',
  'function_calling',
  'structured_output',
  'long_context',
  'vision',
  'numerical_reasoning',
  'complex_reasoning',
] as const;
export const capabilitySchema = z.enum(MODEL_CAPABILITIES);
export type Capability = z.infer<typeof capabilitySchema>;

export const MODEL_PROVIDERS = ['azure-openai', 'openai-compatible', 'anthropic', 'gemini', 'playbook'] as const;
export const providerSchema = z.enum(MODEL_PROVIDERS);
export type ProviderName = z.infer<typeof providerSchema>;

const modelId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, dot, colon, underscore or dash, starting with a letter or digit');
export { modelId as modelIdSchema };

/** Secrets never live in the registry: a deployment names the environment variable that holds its key. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)');

export const deploymentSchema = z
  .object({
    id: modelId,
    /** Base URL of the provider's API (OpenAI-compatible: …/v1; Azure: the resource endpoint; Anthropic/Gemini: the API root). */
    endpoint: z.string().url().optional(),
    /** Azure deployment name; for other providers the remote model name when it differs from the model's. */
    deployment: z.string().min(1).max(256).optional(),
    apiVersion: z.string().min(1).max(64).optional(),
    apiKeyEnv: envName.optional(),
    /** Azure only: authenticate with a Microsoft Entra token (`@azure/identity`) instead of a key. */
    useEntraId: z.boolean().default(false),
    /** Calls in flight on this deployment at most; its load is in-flight / this. */
    maxConcurrency: z.number().int().min(1).max(10_000).default(8),
  })
  .strict();
export type Deployment = z.infer<typeof deploymentSchema>;

export const modelSpecSchema = z
  .object({
    id: modelId,
    provider: providerSchema,
    displayName: z.string().min(1).max(200),
    /** The provider's name for the model (sent on the wire). */
    remoteModel: z.string().min(1).max(256),
    capabilities: z.array(capabilitySchema).max(MODEL_CAPABILITIES.length),
    contextWindow: z.number().int().min(1),
    pricing: z.object({ inputPerMTokUsd: z.number().min(0), outputPerMTokUsd: z.number().min(0) }).strict(),
    expectedLatencyMs: z.number().int().min(0).max(600_000),
    deployments: z.array(deploymentSchema).min(1).max(64),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((m) => new Set(m.deployments.map((d) => d.id)).size === m.deployments.length, { message: 'deployment ids must be unique', path: ['deployments'] });
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** Per-provider limits in the `models` pool: calls in flight at once and calls started per second. */
export const providerLimitSchema = z
  .object({ maxConcurrency: z.number().int().min(1).max(10_000), maxPerSecond: z.number().positive().max(100_000) })
  .strict();
export type ProviderLimit = z.infer<typeof providerLimitSchema>;

/** Estimated dollars of one call: tokens × the model's price per million tokens. */
export function estimateCostUsd(model: Pick<ModelSpec, 'pricing'>, inputTokens: number, outputTokens: number): number {
  return (inputTokens * model.pricing.inputPerMTokUsd + outputTokens * model.pricing.outputPerMTokUsd) / 1_000_000;
}
