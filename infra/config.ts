import { resolve } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../core/validation.js';

/**
 * Every setting ANTS reads from the environment, validated once at start so a typo fails loudly instead of
 * silently falling back. The README's configuration table lists the same names.
 */
const port = z.coerce.number().int().min(1).max(65_535);
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());

export const configSchema = z.object({
  ANTS_HOME: z.string().default('.ants'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** How long Temporal keeps closed runs of the namespace the cluster setup registers (ignored by the dev server). */
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DATABASE_URL: optionalUrl,
  ANTS_PG_PORT: port.default(55432),
  ANTS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  ANTS_API_HOST: z.string().min(1).default('127.0.0.1'),
  ANTS_API_PORT: port.default(3000),
  /** Which reasoner the `models` pool uses: the agent type's playbook, one OpenAI-compatible chat endpoint, or the model router. */
  ANTS_MODEL_PROVIDER: z.enum(['playbook', 'openai-compatible', 'router']).default('playbook'),
  /** Model routing (ANTS_MODEL_PROVIDER=router): the registry file, a per-request cost cap, a default tenant daily budget. */
  ANTS_MODEL_REGISTRY: z.string().min(1).default('infra/models/registry.json'),
  ANTS_MODEL_MAX_COST_USD: z.coerce.number().positive().optional(),
  ANTS_MODEL_DAILY_BUDGET_USD: z.coerce.number().min(0).optional(),
  /** Context window of the local OpenAI-compatible model (OPENAI_BASE_URL) in the registry. */
  ANTS_LOCAL_MODEL_CONTEXT: z.coerce.number().int().min(256).default(8192),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  ANTS_WORKER_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  ANTS_SANDBOX_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  /** Per-level sandbox limits over the defaults, as JSON: {"RESTRICTED": {"timeoutMs": 10000, "memoryBytes": 33554432}}. */
  ANTS_SANDBOX_LIMITS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(
      z.partialRecord(
        z.enum(['RESTRICTED', 'MODERATE', 'PERMISSIVE']),
        z.object({ timeoutMs: z.number().int().positive(), memoryBytes: z.number().int().positive(), maxStackBytes: z.number().int().positive(), maxOutputBytes: z.number().int().positive() }).partial().strict(),
      ),
    ),
  /** Sandbox host functions: MODERATE tools read this directory (read-only); PERMISSIVE runs get a private scratch dir under the root. */
  ANTS_TOOLS_DATA_DIR: z.string().min(1).optional(),
  ANTS_TOOLS_SCRATCH_ROOT: z.string().min(1).optional(),
  /** Origins (scheme://host:port) that tools may reach even though they resolve to private or loopback addresses. */
  ANTS_TOOLS_PRIVATE_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),
  /** Credentials tools may use, by name: a JSON file {"name": {"origins": [...], "header": "authorization", "value": "...", "tenants": [...]}}. */
  ANTS_TOOL_SECRETS_FILE: z.string().min(1).optional(),
  /** Who writes generated tools: the deterministic generator, or the model at OPENAI_BASE_URL (its code is validated the same way). */
  ANTS_TOOL_WRITER: z.enum(['generator', 'model']).default('generator'),
  /** The local demo payments API that `npm start` runs, so capability discovery works offline. 0 turns it off. */
  ANTS_DEMO_API_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  ANTS_DEMO_API_KEY: z.string().min(16).default('demo_sk_local_payments_0001'),
  ANTS_MODELS_MAX_PER_SECOND: z.coerce.number().positive().default(50),
  /** Models a consensus round may add as voters so its pool spans enough distinct models (comma-separated ids). */
  ANTS_CONSENSUS_MODELS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((m) => m.trim()).filter(Boolean)),
  /** Where agent checkpoints go in the local profile (directory snapshots); defaults to <ANTS_HOME>/snapshots. */
  ANTS_SNAPSHOT_DIR: z.string().min(1).optional(),
  /** The agent cost model (whitepaper §10.3 E): running = compute + LLM + storage, sleeping = storage only. */
  ANTS_COST_COMPUTE_PER_HOUR: z.coerce.number().min(0).default(0.1),
  ANTS_COST_LLM_PER_1K_TOKENS: z.coerce.number().min(0).default(0.002),
  ANTS_COST_TOKENS_PER_ACTIVE_HOUR: z.coerce.number().min(0).default(50_000),
  ANTS_COST_STORAGE_PER_HOUR: z.coerce.number().min(0).default(0.01),
  /** Memory: which embedding model the `memory` pool uses (see docs/architecture.md, "Memory"). */
  ANTS_EMBEDDING_PROVIDER: z.enum(['local', 'openai-compatible', 'azure-openai', 'feature-hashing']).default('local'),
  ANTS_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  ANTS_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(1).max(16_000).default(1536),
  ANTS_EMBEDDING_BASE_URL: optionalUrl,
  ANTS_EMBEDDING_API_KEY: z.string().optional(),
  ANTS_EMBEDDING_AZURE_DEPLOYMENT: z.string().optional(),
  ANTS_EMBEDDING_AZURE_API_VERSION: z.string().min(1).default('2024-10-21'),
  ANTS_EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(256),
  ANTS_EMBEDDING_CACHE_MAX: z.coerce.number().int().min(1).default(10_000),
  ANTS_EMBEDDING_CACHE_TTL_MS: z.coerce.number().int().min(1).default(86_400_000),
  /** USD per million tokens; unset means the model's list price (hosted models) or 0 (local models). */
  ANTS_EMBEDDING_PRICE_PER_MTOK: z.coerce.number().min(0).optional(),
  ANTS_MEMORY_SIMILARITY_MIN: z.coerce.number().min(-1).max(1).default(0.75),
  ANTS_MEMORY_EXACT_SCAN_MAX_ROWS: z.coerce.number().int().min(0).default(20_000),
  ANTS_MEMORY_COLD_AFTER_DAYS: z.coerce.number().positive().default(90),
  /** Memory upkeep (a Temporal Schedule): how often it runs, and the age past which episodes and facts are forgotten (none when unset). */
  ANTS_MEMORY_UPKEEP_EVERY_HOURS: z.coerce.number().positive().max(8_760).default(24),
  ANTS_MEMORY_RETENTION_DAYS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().positive().max(36_500).optional()),
});
export type AntsConfig = z.infer<typeof configSchema> & { antsHome: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AntsConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new Error(`invalid configuration: ${problems}`);
  }
  const config = parsed.data;
  if (config.ANTS_MODEL_PROVIDER === 'openai-compatible' && !config.OPENAI_BASE_URL) {
    throw new Error('invalid configuration: ANTS_MODEL_PROVIDER=openai-compatible needs OPENAI_BASE_URL');
  }
  if (config.ANTS_TOOL_WRITER === 'model' && config.ANTS_MODEL_PROVIDER !== 'router' && !config.OPENAI_BASE_URL) {
    throw new Error('invalid configuration: ANTS_TOOL_WRITER=model needs the router (ANTS_MODEL_PROVIDER=router) or OPENAI_BASE_URL');
  }
  if (config.ANTS_EMBEDDING_PROVIDER === 'openai-compatible' && !config.ANTS_EMBEDDING_BASE_URL) {
    throw new Error('invalid configuration: ANTS_EMBEDDING_PROVIDER=openai-compatible needs ANTS_EMBEDDING_BASE_URL');
  }
  if (config.ANTS_EMBEDDING_PROVIDER === 'azure-openai' && (!config.ANTS_EMBEDDING_BASE_URL || !config.ANTS_EMBEDDING_AZURE_DEPLOYMENT)) {
    throw new Error('invalid configuration: ANTS_EMBEDDING_PROVIDER=azure-openai needs ANTS_EMBEDDING_BASE_URL (the resource endpoint) and ANTS_EMBEDDING_AZURE_DEPLOYMENT');
  }
  return { ...config, antsHome: resolve(config.ANTS_HOME) };
}
