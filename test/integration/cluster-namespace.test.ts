import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTS_SEARCH_ATTRIBUTES } from '../../core/tasks/search-attributes.js';
import { ensureNamespace, untilNamespaceServes } from '../../scripts/stack/namespace.js';
import { registerSearchAttributes } from '../../scripts/stack/temporal.js';
import { startLocalTemporal } from '../support/stack.js';

/*
 * The cluster setup job against a real Temporal server: a plain server has no namespace of ours, so the job registers
 * it (once, with its retention) and then its search attributes — and a second deploy changes nothing.
 */
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startLocalTemporal();
});

afterAll(async () => {
  await env?.teardown();
});

describe('cluster setup on a plain Temporal server', () => {
  it('registers the namespace with its retention once, then its search attributes once', async () => {
    const namespace = `ants-${randomUUID().slice(0, 8)}`;
    expect(await ensureNamespace(env.connection, namespace, 3)).toBe(true);
    expect(await ensureNamespace(env.connection, namespace, 3)).toBe(false);
    const described = await env.connection.workflowService.describeNamespace({ namespace });
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 24 * 3600);

    const added = await untilNamespaceServes(() => registerSearchAttributes(env.connection, namespace));
    expect(added.sort()).toEqual(Object.keys(ANTS_SEARCH_ATTRIBUTES).sort());
    expect(await registerSearchAttributes(env.connection, namespace)).toEqual([]);
  });

  it('still fails at once on errors that waiting cannot fix', async () => {
    const refused = untilNamespaceServes(async () => {
      throw new Error('permission denied');
    }, 5_000);
    await expect(refused).rejects.toThrow('permission denied');
  });
});
