import { existsSync, readFileSync } from 'node:fs';
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
  build?: { dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
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
});
