import { z } from 'zod';
import { capabilitySchema, modelSpecSchema, providerLimitSchema, providerSchema, type ModelSpec, type ProviderName } from './model.js';
import { customRouterSpec, pinnedModels, type CustomRouterSpec } from './custom-routers.js';
import type { RoutingRule } from './router.js';

/** The registry file (infra/models/registry.json): models, per-provider limits in the `models` pool, agent-type rules. */
export const routingRuleSchema = z
  .object({
    pattern: z.string().min(1).max(128).regex(/^[A-Za-z0-9._*?-]+$/, 'an agent-type glob: letters, digits, . _ - * ?'),
    preferredModels: z.array(z.string().min(1)).max(32),
    requiredCapabilities: z.array(capabilitySchema).optional(),
    maxCostUsd: z.number().positive().optional(),
    maxLatencyMs: z.number().int().positive().optional(),
  })
  .strict();

export const registryFileSchema = z
  .object({
    models: z.array(modelSpecSchema).min(1),
    providerLimits: z.partialRecord(providerSchema, providerLimitSchema).default({}),
    rules: z.array(routingRuleSchema).default([]),
    customRouters: z.array(customRouterSpec).max(64).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    for (const [index, model] of file.models.entries()) {
      if (ids.has(model.id)) ctx.addIssue({ code: 'custom', message: `duplicate model id ${model.id}`, path: ['models', index, 'id'] });
      ids.add(model.id);
    }
    for (const [index, rule] of file.rules.entries()) {
      for (const id of rule.preferredModels) {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', message: `rule ${rule.pattern} prefers unknown model ${id}`, path: ['rules', index, 'preferredModels'] });
      }
    }
    for (const [index, router] of file.customRouters.entries()) {
      for (const id of pinnedModels(router)) {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', message: `custom router ${router.kind} pins unknown model ${id}`, path: ['customRouters', index] });
      }
    }
  });
export type RegistryFile = z.infer<typeof registryFileSchema>;

export interface Registry {
  models: ModelSpec[];
  providerLimits: Partial<Record<ProviderName, { maxConcurrency: number; maxPerSecond: number }>>;
  rules: RoutingRule[];
  customRouters: CustomRouterSpec[];
}

/** A tenant's view: the shipped models, with the tenant's own models added and any of the same id replacing them. */
export function overlayModels(shipped: readonly ModelSpec[], tenantModels: readonly ModelSpec[]): ModelSpec[] {
  const byId = new Map(shipped.map((m) => [m.id, m] as const));
  for (const model of tenantModels) byId.set(model.id, model);
  return [...byId.values()];
}
