import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { inject } from 'vitest';
import { ANTS_SEARCH_ATTRIBUTES } from '../../core/tasks/search-attributes.js';
import { createDb, type Db } from '../../infra/db/pool.js';
import { registerSearchAttributes } from '../../scripts/stack/temporal.js';

export function testDb(): Db {
  return createDb(inject('databaseUrl'), 4, 'ants-test');
}

/** Every test works in a tenant of its own, so tests never see each other's rows. */
export function freshTenant(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const searchAttributes = Object.entries(ANTS_SEARCH_ATTRIBUTES).map(([name, type]) =>
  defineSearchAttributeKey(name, type === 'Int' ? SearchAttributeType.INT : SearchAttributeType.KEYWORD),
);

/** A real Temporal dev server (the installed CLI, never a download), in memory, with our search attributes. */
export async function startLocalTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: inject('temporalCli') },
      searchAttributes,
      ip: '127.0.0.1',
    },
  });
}

/** The time-skipping test server (installed binary): timers of hours pass in milliseconds. */
export async function startTimeSkippingTemporal(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
  });
  // This server cannot list search attributes, only add them: it starts with none of ours.
  await registerSearchAttributes(env.connection, env.namespace ?? 'default', new Set());
  return env;
}
