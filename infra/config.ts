import { resolve } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../core/validation.js';

/**
 * Every setting ANTS reads from the environment, validated once at start so a typo fails loudly instead of
 * silently falling back. The README's configuration table lists the same names.
 */
const port = z.coerce.number().int().min(1).max(65_535);
const blank = (v: unknown) => (v === '' ? undefined : v);
const optionalUrl = z.preprocess(blank, z.string().url().optional());
const optionalText = z.preprocess(blank, z.string().min(1).optional());
const armName = z.preprocess(blank, z.string().min(1).max(90).optional());

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
  /**
   * Which adapters the ports use (see docs/architecture.md, "Ports and adapters"): `local` is the embedded default,
   * `azure` the Azure services. Each port can be chosen on its own below; unset, it follows the profile.
   */
  ANTS_PROFILE: z.enum(['local', 'azure']).default('local'),
  ANTS_PHEROMONE_FIELD: z.enum(['postgres', 'event-hubs']).optional(),
  ANTS_SWARM_STATE: z.enum(['postgres', 'cosmos']).optional(),
  ANTS_TASK_INGRESS: z.enum(['api', 'service-bus']).optional(),
  ANTS_SNAPSHOTS: z.enum(['local', 'netapp']).optional(),
  /** Pheromones on Azure Event Hubs: a namespace (signed in with the workload's identity) or a connection string. */
  ANTS_EVENTHUBS_NAMESPACE: optionalText,
  ANTS_EVENTHUBS_CONNECTION_STRING: optionalText,
  ANTS_EVENTHUBS_HUB: z.string().min(1).default('ants-pheromones'),
  /** The blob container for the consumers' checkpoints and partition ownership (a SAS URL carries its own access). */
  ANTS_EVENTHUBS_CHECKPOINT_URL: optionalUrl,
  /** Swarm state on Azure Cosmos DB: the account endpoint, with a key or else the workload's identity. */
  ANTS_COSMOS_ENDPOINT: optionalUrl,
  ANTS_COSMOS_KEY: optionalText,
  ANTS_COSMOS_DATABASE: z.string().min(1).default('ants'),
  ANTS_COSMOS_CONTAINER: z.string().min(1).default('swarm'),
  /** Task ingress on Azure Service Bus: a connection string, or a namespace host name reached with the workload's identity. */
  ANTS_SERVICEBUS_CONNECTION_STRING: optionalText,
  ANTS_SERVICEBUS_NAMESPACE: z.preprocess(blank, z.string().regex(/^[A-Za-z0-9.-]+$/, 'a host name such as ants.servicebus.windows.net').optional()),
  /** Sessions each ingress queue holds at once, and how long a message that failed for a passing reason is held before redelivery. */
  ANTS_SERVICEBUS_MAX_SESSIONS: z.coerce.number().int().min(1).max(256).default(8),
  ANTS_SERVICEBUS_RETRY_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /** Agent checkpoints as Azure NetApp Files snapshots of the volume the integrations pool mounts (managed identity). */
  ANTS_NETAPP_SUBSCRIPTION_ID: z.preprocess(blank, z.guid().optional()),
  ANTS_NETAPP_RESOURCE_GROUP: armName,
  ANTS_NETAPP_ACCOUNT: armName,
  ANTS_NETAPP_POOL: armName,
  ANTS_NETAPP_VOLUME: z.preprocess(blank, z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'a NetApp volume name').optional()),
  ANTS_NETAPP_MOUNT_PATH: optionalText,
  ANTS_NETAPP_KEEP_LAST: z.coerce.number().int().min(1).default(3),
  ANTS_NETAPP_KEEP_DAYS: z.coerce.number().min(0).default(7),
  /** Prune an agent's older snapshots after each of its checkpoints (a volume holds at most 255 snapshots). */
  ANTS_NETAPP_PRUNE_ON_SAVE: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  ANTS_NETAPP_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /** ARM's address when not the Azure public cloud. */
  ANTS_NETAPP_ARM_ENDPOINT: optionalUrl,
});

/** The adapter each port uses, from ANTS_PROFILE and the per-port settings. */
export interface AdapterChoice {
  pheromoneField: 'postgres' | 'event-hubs';
  swarmState: 'postgres' | 'cosmos';
  taskIngress: 'api' | 'service-bus';
  snapshots: 'local' | 'netapp';
}

export type AntsConfig = z.infer<typeof configSchema> & { antsHome: string; adapters: AdapterChoice };

/** What each Azure adapter cannot start without; checked at start so a missing setting fails loudly and by name. */
function missingAzureSettings(config: z.infer<typeof configSchema>, adapters: AdapterChoice): string[] {
  const missing: string[] = [];
  const need = (adapter: string, ok: boolean, what: string) => {
    if (!ok) missing.push(`${adapter} needs ${what}`);
  };
  if (adapters.pheromoneField === 'event-hubs') {
    need('the Event Hubs pheromone field', Boolean(config.ANTS_EVENTHUBS_NAMESPACE) !== Boolean(config.ANTS_EVENTHUBS_CONNECTION_STRING), 'exactly one of ANTS_EVENTHUBS_NAMESPACE and ANTS_EVENTHUBS_CONNECTION_STRING');
    need('the Event Hubs pheromone field', Boolean(config.ANTS_EVENTHUBS_CHECKPOINT_URL), 'ANTS_EVENTHUBS_CHECKPOINT_URL');
  }
  if (adapters.swarmState === 'cosmos') need('the Cosmos DB swarm state', Boolean(config.ANTS_COSMOS_ENDPOINT), 'ANTS_COSMOS_ENDPOINT');
  if (adapters.taskIngress === 'service-bus') {
    need('the Service Bus task ingress', Boolean(config.ANTS_SERVICEBUS_CONNECTION_STRING || config.ANTS_SERVICEBUS_NAMESPACE), 'ANTS_SERVICEBUS_CONNECTION_STRING or ANTS_SERVICEBUS_NAMESPACE');
  }
  if (adapters.snapshots === 'netapp') {
    for (const key of ['ANTS_NETAPP_SUBSCRIPTION_ID', 'ANTS_NETAPP_RESOURCE_GROUP', 'ANTS_NETAPP_ACCOUNT', 'ANTS_NETAPP_POOL', 'ANTS_NETAPP_VOLUME', 'ANTS_NETAPP_MOUNT_PATH'] as const) {
      need('the NetApp Files snapshots', Boolean(config[key]), key);
    }
  }
  return missing;
}

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
  const azure = config.ANTS_PROFILE === 'azure';
  const adapters: AdapterChoice = {
    pheromoneField: config.ANTS_PHEROMONE_FIELD ?? (azure ? 'event-hubs' : 'postgres'),
    swarmState: config.ANTS_SWARM_STATE ?? (azure ? 'cosmos' : 'postgres'),
    taskIngress: config.ANTS_TASK_INGRESS ?? (azure ? 'service-bus' : 'api'),
    snapshots: config.ANTS_SNAPSHOTS ?? (azure ? 'netapp' : 'local'),
  };
  const missing = missingAzureSettings(config, adapters);
  if (missing.length > 0) throw new Error(`invalid configuration: ${missing.join('; ')}`);
  return { ...config, antsHome: resolve(config.ANTS_HOME), adapters };
}
