import { z } from 'zod';
import type { JsonObject } from '../tasks/json.js';
import { jsonObject } from '../tasks/submission.js';

/*
 * A registered tool: code that runs in the sandbox, the JSON schema of its input, how much it is trusted (its
 * sandbox level and the hosts it may reach) and how it has done so far. Tools are tenant data: a tenant's agents
 * see only that tenant's tools and the built-in ones.
 */

export const TOOL_LEVELS = ['RESTRICTED', 'MODERATE', 'PERMISSIVE'] as const;
export type ToolLevel = (typeof TOOL_LEVELS)[number];

/** testing → active once it has proved itself; deprecated points callers at a replacement. */
export const TOOL_STATUSES = ['testing', 'active', 'deprecated'] as const;
export type ToolStatus = (typeof TOOL_STATUSES)[number];

export interface ToolStats {
  runs: number;
  successes: number;
  /** Exponential moving average of success (1) and failure (0): recent runs count more than old ones. */
  successRate: number;
  avgDurationMs: number;
  lastUsedAt: string | null;
}

export interface ToolRecord {
  /** `<name>@<version>`: readable, and stable for a (tenant, name, version). */
  id: string;
  tenant: string;
  name: string;
  version: number;
  description: string;
  /** The API the tool wraps, when a capability request generated it. */
  api: string | null;
  operationId: string | null;
  /** The API description (or probed base URL) the tool was generated from. */
  sourceUrl: string | null;
  creator: string;
  status: ToolStatus;
  replacementId: string | null;
  level: ToolLevel;
  entry: string;
  code: string;
  /** Hash of everything that defines what the tool does (code, entry, level, hosts, input schema, credential name). */
  definitionSha256: string;
  inputSchema: JsonObject;
  allowedHosts: string[];
  /** The name of the credential the sandbox host injects for this tool's requests (never the credential). */
  authSecret: string | null;
  /** Running it changes the outside world (an API write): a task's Execute step refuses it; effects wait for approval. */
  sideEffects: boolean;
  stats: ToolStats;
  createdAt: string;
  promotedAt: string | null;
  deprecatedAt: string | null;
}

const NAME = /^[a-z][a-z0-9_-]{0,49}(\.[A-Za-z][A-Za-z0-9_-]{0,99})+$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;
const SECRET_NAME = /^[a-z][a-z0-9_.-]{0,99}$/;

/** `scheme://host[:port]`, nothing else: the sandbox compares requests against exactly this. */
export const originSchema = z
  .string()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'an origin such as https://api.example.com or http://127.0.0.1:4010 (scheme, host and port only)')
  .transform((value) => new URL(value).origin);

export const toolNameSchema = z.string().regex(NAME, 'a dotted name such as payments.listCharges (lowercase namespace, then segments)');
export const toolIdSchema = z.string().min(3).max(200).regex(/^[a-z][a-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)+@[1-9][0-9]{0,5}$/, 'a tool id <name>@<version>');


/** What a caller registers. The code is validated (syntax and the safety rules) before anything is stored. */
export const toolDraftSchema = z
  .object({
    name: toolNameSchema,
    description: z.string().min(1).max(2000),
    code: z.string().min(1).max(256 * 1024),
    entry: z.string().regex(IDENTIFIER).default('main'),
    inputSchema: jsonObject.default({ type: 'object' }),
    level: z.enum(TOOL_LEVELS).default('RESTRICTED'),
    allowedHosts: z.array(originSchema).max(20).default([]),
    authSecret: z.string().regex(SECRET_NAME).optional(),
    api: z.string().min(1).max(100).optional(),
    operationId: z.string().min(1).max(200).optional(),
    sourceUrl: z.string().url().max(2000).optional(),
    /** Presumed until the registrant says the tool only reads: a task's Execute step runs only tools without. */
    sideEffects: z.boolean().default(true),
  })
  .strict();
export type ToolDraft = z.infer<typeof toolDraftSchema>;

export function toolId(name: string, version: number): string {
  return `${name}@${version}`;
}

/** A name, or an exact `<name>@<version>`. */
export function parseToolRef(ref: string): { name: string; version?: number } {
  const at = ref.lastIndexOf('@');
  if (at < 0) return { name: ref };
  const version = Number(ref.slice(at + 1));
  return Number.isInteger(version) && version > 0 ? { name: ref.slice(0, at), version } : { name: ref };
}
