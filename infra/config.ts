import { resolve } from 'node:path';
import { z } from 'zod';

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
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DATABASE_URL: optionalUrl,
  ANTS_PG_PORT: port.default(55432),
  ANTS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  ANTS_API_HOST: z.string().min(1).default('127.0.0.1'),
  ANTS_API_PORT: port.default(3000),
  /** Which reasoner the `models` pool uses: the agent type's playbook, or an OpenAI-compatible chat endpoint. */
  ANTS_MODEL_PROVIDER: z.enum(['playbook', 'openai-compatible']).default('playbook'),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  ANTS_WORKER_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  ANTS_SANDBOX_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  ANTS_MODELS_MAX_PER_SECOND: z.coerce.number().positive().default(50),
});
export type AntsConfig = z.infer<typeof configSchema> & { antsHome: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AntsConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const config = parsed.data;
  if (config.ANTS_MODEL_PROVIDER === 'openai-compatible' && !config.OPENAI_BASE_URL) {
    throw new Error('invalid configuration: ANTS_MODEL_PROVIDER=openai-compatible needs OPENAI_BASE_URL');
  }
  return { ...config, antsHome: resolve(config.ANTS_HOME) };
}
