import { z } from 'zod';
import { shortHash } from '../hash.js';
import type { Plan } from '../tasks/task.js';

/*
 * A capability request: "give this tenant's agents tools for these operations of that API". The meta-agent
 * (capabilityWorkflow) discovers the API, writes one tool per operation, verifies each in the sandbox and registers
 * the ones that pass. One workflow per (tenant, API source): concurrent requests for the same API join it.
 */

const secretName = z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'a credential name such as payments-demo');
const httpUrl = z
  .string()
  .url()
  .max(2000)
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'an http(s) URL');

export const capabilitySourceSchema = z
  .object({
    /** An OpenAPI 3.x or Swagger 2 document. */
    specUrl: httpUrl.optional(),
    /** No document: probe this base URL's GET endpoints and infer their schemas. */
    baseUrl: httpUrl.optional(),
    probePaths: z.array(z.string().regex(/^\/[^\s]*$/, 'a path starting with /').max(300)).max(50).optional(),
  })
  .strict()
  .refine((s) => (s.specUrl === undefined) !== (s.baseUrl === undefined), 'exactly one of specUrl or baseUrl')
  .refine((s) => s.probePaths === undefined || s.baseUrl !== undefined, 'probePaths go with baseUrl');
export type CapabilitySource = z.infer<typeof capabilitySourceSchema>;

export const operationIdSchema = z.string().min(1).max(200);

export const capabilityRequestSchema = z
  .object({
    api: capabilitySourceSchema,
    /** Operation ids; none: the discovery's most useful operations (up to DEFAULT_OPERATIONS). */
    operations: z.array(operationIdSchema).max(50).optional(),
    /** The credential the sandbox host injects for the API's requests; its value never leaves the tools pool. */
    secret: secretName.optional(),
  })
  .strict();
export type CapabilityRequest = z.infer<typeof capabilityRequestSchema>;

export const DEFAULT_OPERATIONS = 5;

export interface CapabilityWorkflowInput extends CapabilityRequest {
  tenant: string;
  requestedBy: string;
  /** Workflows to signal (capabilityReady) once the tools are there. */
  notify: string[];
}

/** A later request for the same API, joining the running workflow. */
export interface CapabilityAsk {
  operations: string[];
  requestedBy: string;
  notify?: string;
  secret?: string;
}

export type CapabilityStatus = 'discovering' | 'building' | 'ready' | 'failed';

export interface CapabilityView {
  tenant: string;
  source: CapabilitySource;
  status: CapabilityStatus;
  api?: { name: string; title: string; version: string; source: string; baseUrl: string; auth: string; confidence: number; operations: number };
  requested: string[];
  /** Operation id → tool name, for every operation that has a usable tool (built now or found registered). */
  tools: Record<string, string>;
  /** Operation id → why no tool was registered for it. */
  failed: Record<string, string>;
  /** Tools written, verified and registered by this run. */
  built: string[];
  requestedBy: string[];
  startedAt: string;
  readyAt?: string;
  readyMs?: number;
  error?: string;
}

/** What a waiting workflow receives. */
export interface CapabilityReady {
  workflowId: string;
  api: string;
  tools: Record<string, string>;
  failed: Record<string, string>;
  error?: string;
}

/** The URL an API is known by: its description's, or the base URL that was probed. */
export function sourceUrlOf(source: CapabilitySource): string {
  return source.specUrl ?? source.baseUrl ?? '';
}

/**
 * Derived from the API's source and the credential its tools use, so the same API asked for twice (by anyone of the
 * tenant) is the same capability, while tools for another credential of the same API are built for that one.
 */
export function capabilityId(source: CapabilitySource, secret?: string): string {
  return `cap-${shortHash(`${sourceUrlOf(source)}\n${secret ?? ''}`)}`;
}

export function capabilityWorkflowId(tenant: string, id: string): string {
  return `capability:${tenant}:${id}`;
}

/** What a task type needs but may not have: an operation of an API, bound to a step alias (`@charges`). */
export interface CapabilityNeed {
  alias: string;
  source: CapabilitySource;
  operation: string;
  secret?: string;
}

export const ALIAS_PREFIX = '@';

/** The plan with its `@alias` steps bound to the registered tools; an unbound alias stays (Execute reports it). */
export function bindCapabilities(plan: Plan, bindings: Record<string, string>): Plan {
  return {
    ...plan,
    steps: plan.steps.map((step) => {
      if (!step.tool.startsWith(ALIAS_PREFIX)) return step;
      const bound = bindings[step.tool.slice(ALIAS_PREFIX.length)];
      return bound ? { ...step, tool: bound } : step;
    }),
  };
}

/** Needs grouped by capability (API source and credential): one request (and one wait) per build. */
export function groupNeeds(needs: readonly CapabilityNeed[]): Array<{ source: CapabilitySource; operations: string[]; secret?: string; aliases: Record<string, string> }> {
  const groups = new Map<string, { source: CapabilitySource; operations: string[]; secret?: string; aliases: Record<string, string> }>();
  for (const need of needs) {
    // The same key as the build's id: needs of one API with different credentials are different builds.
    const key = capabilityId(need.source, need.secret);
    const group = groups.get(key) ?? { source: need.source, operations: [], aliases: {}, ...(need.secret ? { secret: need.secret } : {}) };
    if (!group.operations.includes(need.operation)) group.operations.push(need.operation);
    group.aliases[need.alias] = need.operation;
    groups.set(key, group);
  }
  return [...groups.values()];
}

