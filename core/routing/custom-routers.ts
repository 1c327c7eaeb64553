import { z } from 'zod';
import { matchesGlob } from './glob.js';
import type { CustomRouter } from './router.js';

/*
 * Ready-made custom routers. Each is pure: the time of day comes from the request's `at`, never from a clock.
 */

/** Safety-critical domains always use the named model, whatever it costs (e.g. `medical.*` → GPT-4 Turbo). */
export function safetyCriticalRouter(patterns: readonly string[], modelId: string): CustomRouter {
  return {
    name: 'safety-critical',
    route(request) {
      const hit = patterns.find((p) => matchesGlob(p, request.agentType));
      return hit ? { modelId, reason: `${request.agentType} is safety-critical (${hit}): quality before cost` } : undefined;
    },
  };
}

/** Requests that must answer within `thresholdMs` go to the fastest enabled model that has the required capabilities. */
export function realtimeRouter(thresholdMs = 1000): CustomRouter {
  return {
    name: 'realtime',
    route(request, models) {
      if (request.maxLatencyMs === undefined || request.maxLatencyMs >= thresholdMs) return undefined;
      let fastest: (typeof models)[number] | undefined;
      for (const model of models) {
        if (!model.enabled || !request.requiredCapabilities.every((c) => model.capabilities.includes(c))) continue;
        if (!fastest || model.expectedLatencyMs < fastest.expectedLatencyMs) fastest = model;
      }
      return fastest ? { modelId: fastest.id, reason: `must answer within ${request.maxLatencyMs} ms` } : undefined;
    },
  };
}

/** During business hours (UTC) the matching agent types use the high-volume model, outside them the premium one. */
export function businessHoursRouter(options: { pattern: string; startHour: number; endHour: number; inHours: string; offHours: string }): CustomRouter {
  return {
    name: 'business-hours',
    route(request) {
      if (!request.at || !matchesGlob(options.pattern, request.agentType)) return undefined;
      const hour = new Date(request.at).getUTCHours();
      const open = hour >= options.startHour && hour < options.endHour;
      return open
        ? { modelId: options.inHours, reason: `business hours (${hour}:00 UTC): high-volume model` }
        : { modelId: options.offHours, reason: `outside business hours (${hour}:00 UTC): premium model` };
    },
  };
}

const agentTypeGlob = z.string().min(1).max(128).regex(/^[A-Za-z0-9._*?-]+$/, 'an agent-type glob: letters, digits, . _ - * ?');
const modelId = z.string().min(1).max(128);

/** Custom routers as configuration (the registry file's `customRouters`), checked in the order listed. */
export const customRouterSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('safety-critical'), patterns: z.array(agentTypeGlob).min(1).max(64), model: modelId }).strict(),
  z.object({ kind: z.literal('realtime'), thresholdMs: z.number().int().positive().max(600_000).default(1000) }).strict(),
  z
    .object({
      kind: z.literal('business-hours'),
      pattern: agentTypeGlob,
      startHour: z.number().int().min(0).max(23),
      endHour: z.number().int().min(1).max(24),
      inHoursModel: modelId,
      offHoursModel: modelId,
    })
    .strict()
    .refine((spec) => spec.startHour < spec.endHour, { message: 'startHour must be before endHour', path: ['endHour'] }),
]);
export type CustomRouterSpec = z.infer<typeof customRouterSpec>;

/** The models a custom router may pin, for checking them against the registry. */
export function pinnedModels(spec: CustomRouterSpec): string[] {
  if (spec.kind === 'safety-critical') return [spec.model];
  if (spec.kind === 'business-hours') return [spec.inHoursModel, spec.offHoursModel];
  return [];
}

export function customRoutersFrom(specs: readonly CustomRouterSpec[]): CustomRouter[] {
  return specs.map((spec) => {
    if (spec.kind === 'safety-critical') return safetyCriticalRouter(spec.patterns, spec.model);
    if (spec.kind === 'realtime') return realtimeRouter(spec.thresholdMs);
    return businessHoursRouter({ pattern: spec.pattern, startHour: spec.startHour, endHour: spec.endHour, inHours: spec.inHoursModel, offHours: spec.offHoursModel });
  });
}
