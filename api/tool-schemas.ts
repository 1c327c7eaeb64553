import { z } from 'zod';
import { capabilityRequestSchema } from '../core/tools/capability.js';
import { TOOL_LEVELS, TOOL_STATUSES, toolDraftSchema, toolIdSchema } from '../core/tools/tool.js';

export { capabilityRequestSchema, toolDraftSchema };

const jsonObject = z.record(z.string(), z.unknown());

const toolStats = z
  .object({ runs: z.number().int(), successes: z.number().int(), successRate: z.number().describe('Exponential moving average of success'), avgDurationMs: z.number(), lastUsedAt: z.string().nullable() })
  .strict();

export const toolSummary = z
  .object({
    id: z.string().describe('<name>@<version>'),
    tenant: z.string(),
    name: z.string(),
    version: z.number().int(),
    description: z.string(),
    api: z.string().nullable(),
    operationId: z.string().nullable(),
    sourceUrl: z.string().nullable().describe('The API description or base URL a generated tool came from'),
    creator: z.string(),
    status: z.enum(TOOL_STATUSES),
    replacementId: z.string().nullable(),
    level: z.enum(TOOL_LEVELS),
    entry: z.string(),
    definitionSha256: z.string(),
    inputSchema: jsonObject,
    allowedHosts: z.array(z.string()),
    authSecret: z.string().nullable().describe('The name of the credential the sandbox host adds; never its value'),
    sideEffects: z.boolean().describe('Running it changes the outside world: tasks never run it in their Execute step'),
    stats: toolStats,
    createdAt: z.string(),
    promotedAt: z.string().nullable(),
    deprecatedAt: z.string().nullable(),
  })
  .strict();
export const toolWithCode = toolSummary.extend({ code: z.string() }).strict();
export const toolRegistered = z.object({ tool: toolSummary, created: z.boolean() }).strict();
export const toolList = z.object({ tenant: z.string(), count: z.number().int(), tools: z.array(toolSummary) }).strict();

export const toolParams = z.object({ id: z.string().min(1).max(220).describe('A tool id <name>@<version>, or a name (its current version)') }).strict();
export const toolQuery = z
  .object({
    name: z.string().min(1).max(160).optional().describe('Part of the name'),
    api: z.string().min(1).max(100).optional(),
    sourceUrl: z.string().url().max(2000).optional().describe('Tools generated from this API description or base URL'),
    creator: z.string().min(1).max(300).optional(),
    status: z.enum(TOOL_STATUSES).optional(),
    level: z.enum(TOOL_LEVELS).optional(),
    sort: z.enum(['usage', 'success', 'recent']).default('usage'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export const toolExecution = z
  .object({
    input: jsonObject.default({}),
    runId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/)
      .optional()
      .describe('Your business id for this run: the same runId is one run (answered again, counted once)'),
  })
  .strict();
export const toolRunOutcome = z
  .object({
    runId: z.string(),
    toolId: z.string(),
    replaced: z.array(z.string()).describe('Deprecated tools followed to their replacement'),
    ok: z.boolean(),
    output: z.unknown(),
    error: z.string().optional(),
    durationMs: z.number(),
    status: z.enum(TOOL_STATUSES),
    promoted: z.boolean().describe('This run promoted the tool from testing to active'),
  })
  .strict();

export const toolStatsView = z
  .object({
    id: z.string(),
    status: z.enum(TOOL_STATUSES),
    replacementId: z.string().nullable(),
    stats: toolStats,
    promotedAt: z.string().nullable(),
    promotion: z.object({ minRuns: z.number().int(), minSuccessRate: z.number(), runsRemaining: z.number().int() }).strict(),
  })
  .strict();

export const toolDeprecation = z.object({ replacementId: toolIdSchema.nullable().default(null) }).strict();

export const capabilityAccepted = z
  .object({ capabilityId: z.string(), workflowId: z.string(), created: z.boolean().describe('False: this request joined a capability already being built') })
  .strict();
export const capabilityParams = z.object({ id: z.string().regex(/^cap-[0-9a-f]{16}$/) }).strict();
export const capabilityView = z
  .object({
    capabilityId: z.string(),
    tenant: z.string(),
    source: jsonObject,
    status: z.enum(['discovering', 'building', 'ready', 'failed']),
    api: jsonObject.optional(),
    requested: z.array(z.string()),
    tools: z.record(z.string(), z.string()).describe('Operation id → tool name'),
    failed: z.record(z.string(), z.string()).describe('Operation id → why no tool was registered'),
    built: z.array(z.string()),
    requestedBy: z.array(z.string()),
    startedAt: z.string(),
    readyAt: z.string().optional(),
    readyMs: z.number().optional().describe('Request → tools registered and usable'),
    error: z.string().optional(),
  })
  .strict();

export const TOOL_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [toolDraftSchema, 'ToolDraft'],
  [toolSummary, 'Tool'],
  [toolWithCode, 'ToolWithCode'],
  [toolRegistered, 'ToolRegistered'],
  [toolList, 'ToolList'],
  [toolQuery, 'ToolQuery'],
  [toolParams.shape.id, 'ToolRef'],
  [toolExecution, 'ToolExecution'],
  [toolRunOutcome, 'ToolRunOutcome'],
  [toolStatsView, 'ToolStats'],
  [toolDeprecation, 'ToolDeprecation'],
  [capabilityRequestSchema, 'CapabilityRequest'],
  [capabilityAccepted, 'CapabilityAccepted'],
  [capabilityParams.shape.id, 'CapabilityId'],
  [capabilityView, 'Capability'],
];
