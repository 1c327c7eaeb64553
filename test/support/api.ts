import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { ROLES, type Role } from '../../api/auth/roles.js';
import { buildApi } from '../../api/server.js';
import type { Db } from '../../infra/db/pool.js';
import type { TaskHarness } from './harness.js';
import { freshTenant, testDb } from './stack.js';

export interface DatabaseOnlyApi {
  readonly app: FastifyInstance;
  readonly db: Db;
}

/**
 * The API for routes that only touch PostgreSQL (registry, costs, budgets, …): its Temporal connection is lazy and
 * never opened. Registers its own beforeAll/afterAll.
 */
export function useDatabaseOnlyApi(): DatabaseOnlyApi {
  let db: Db | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    db = testDb();
    app = buildApi({ db, temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), logLevel: 'silent' });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await db?.end();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the API is used before beforeAll ran');
    return value;
  };
  return {
    get app() {
      return ready(app);
    },
    get db() {
      return ready(db);
    },
  };
}

/** A fresh tenant with one key per role, each named `<role>-person`. */
export async function tenantWithKeys(db: Db, prefix: string): Promise<{ id: string; keys: Record<Role, string> }> {
  const id = freshTenant(prefix);
  await createTenant(db, id, `${prefix} tenant`);
  const entries = await Promise.all(ROLES.map(async (role) => [role, (await createApiKey(db, { tenant: id, name: `${role}-person`, role })).key] as const));
  return { id, keys: Object.fromEntries(entries) as Record<Role, string> };
}

export interface HarnessApi {
  /** One request with the key as bearer; the status and the JSON body. */
  call(key: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** The API over a task harness's own server and database (for routes that start or read workflows). */
export function useHarnessApi(harness: Pick<TaskHarness, 'env' | 'db'>): HarnessApi {
  let app: FastifyInstance | undefined;
  beforeAll(() => {
    app = buildApi({ db: harness.db, temporal: harness.env.client, logLevel: 'silent' });
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    async call(key, method, url, payload) {
      if (!app) throw new Error('the API is used before beforeAll ran');
      const response = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
      return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
    },
  };
}
