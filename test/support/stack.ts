import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
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

export { freePort } from '../../scripts/stack/ports.js';

const searchAttributes = Object.entries(ANTS_SEARCH_ATTRIBUTES).map(([name, type]) =>
  defineSearchAttributeKey(name, type === 'Int' ? SearchAttributeType.INT : SearchAttributeType.KEYWORD),
);

let runtimeInstalled = false;

/**
 * Workers in tests speak only when something is wrong (ANTS_TEST_VERBOSE=1 to hear everything). The runtime is a
 * process singleton, so this must run before the first test environment or worker is created.
 */
function installQuietRuntime(): void {
  if (runtimeInstalled || process.env.ANTS_TEST_VERBOSE) return;
  runtimeInstalled = true;
  Runtime.install({
    // Tests fail workflows on purpose; the assertions, not the log, say whether that was right.
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
  });
}

/** A real Temporal dev server (the installed CLI, never a download), in memory, with our search attributes. */
export async function startLocalTemporal(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
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
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('temporalTestServer') } },
  });
  // This server cannot list search attributes, only add them: it starts with none of ours.
  await registerSearchAttributes(env.connection, env.namespace ?? 'default', new Set());
  return env;
}
