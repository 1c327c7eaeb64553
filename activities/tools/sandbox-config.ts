import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../../core/validation.js';
import type { AntsConfig } from '../../infra/config.js';
import type { SandboxOptions } from './sandbox/sandbox.js';

/** The credential the demo payments API's tools use; bound to the demo's own origin only. */
export const DEMO_SECRET_NAME = 'payments-demo';

const secretEntry = z
  .object({
    origins: z.array(z.string().url()).min(1).max(20),
    header: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
    value: z.string().min(1).max(8192),
    /** Tenants whose tools may use it; absent: every tenant of this deployment. */
    tenants: z.array(z.string().min(1)).optional(),
  })
  .strict();
const secretsFile = z.record(z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/), secretEntry);
export type ToolSecret = z.infer<typeof secretEntry>;

export function demoApiOrigin(config: AntsConfig): string | undefined {
  return config.ANTS_DEMO_API_PORT === 0 ? undefined : `http://${config.ANTS_API_HOST}:${config.ANTS_DEMO_API_PORT}`;
}

/** Origins tools and discovery may reach on private addresses: the operator's list, and the local demo API. */
export function privateOriginsFrom(config: AntsConfig): string[] {
  const demo = demoApiOrigin(config);
  return [...config.ANTS_TOOLS_PRIVATE_ORIGINS, ...(demo ? [demo] : [])];
}

/** Credentials are read once at start; the file is the operator's, so a malformed one stops the pool with its problems. */
export async function loadToolSecrets(config: AntsConfig): Promise<Map<string, ToolSecret>> {
  const secrets = new Map<string, ToolSecret>();
  const demo = demoApiOrigin(config);
  if (demo) secrets.set(DEMO_SECRET_NAME, { origins: [demo], header: 'authorization', value: `Bearer ${config.ANTS_DEMO_API_KEY}` });
  if (config.ANTS_TOOL_SECRETS_FILE) {
    const parsed = secretsFile.safeParse(JSON.parse(await readFile(config.ANTS_TOOL_SECRETS_FILE, 'utf8')));
    if (!parsed.success) throw new Error(`invalid ANTS_TOOL_SECRETS_FILE: ${describeIssues(parsed.error)}`);
    for (const [name, entry] of Object.entries(parsed.data)) secrets.set(name, { ...entry, origins: entry.origins.map((o) => new URL(o).origin) });
  }
  return secrets;
}

/** Which tenants' tools may use which credential: the `tenants` of each entry (absent: every tenant). */
export function secretPolicyOf(secrets: ReadonlyMap<string, ToolSecret>): (tenant: string, name: string) => boolean {
  return (tenant, name) => {
    const secret = secrets.get(name);
    return secret !== undefined && (secret.tenants === undefined || secret.tenants.includes(tenant));
  };
}

/** What the tools pool is built from: the sandbox's options and the credentials policy, from one reading of the secrets. */
export async function toolsPoolSettings(config: AntsConfig): Promise<{ sandbox: SandboxOptions; secretAllowed: (tenant: string, name: string) => boolean }> {
  const secrets = await loadToolSecrets(config);
  return { sandbox: await sandboxOptionsFrom(config, secrets), secretAllowed: secretPolicyOf(secrets) };
}

/** The sandbox as the configuration describes it: threads, the level's directories, private origins, credentials. */
export async function sandboxOptionsFrom(config: AntsConfig, secrets?: Map<string, ToolSecret>): Promise<SandboxOptions> {
  const credentials = secrets ?? (await loadToolSecrets(config));
  return {
    threads: config.ANTS_SANDBOX_THREADS,
    limitsByLevel: config.ANTS_SANDBOX_LIMITS,
    privateOrigins: privateOriginsFrom(config),
    scratchRoot: config.ANTS_TOOLS_SCRATCH_ROOT ?? join(config.antsHome, 'tool-scratch'),
    ...(config.ANTS_TOOLS_DATA_DIR ? { dataDir: config.ANTS_TOOLS_DATA_DIR } : {}),
    secrets: (name) => {
      const secret = credentials.get(name);
      return secret ? { origins: secret.origins, header: secret.header, value: secret.value } : undefined;
    },
  };
}
