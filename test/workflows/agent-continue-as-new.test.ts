import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLocalSnapshotStore } from '../../activities/lifecycle/snapshots.js';
import type { Db } from '../../infra/db/pool.js';
import { startLifecyclePools, type InProcessPools } from '../../workers/in-process.js';
import { assignSignal, releaseSignal } from '../../workflows/agent/messages.js';
import { agentInState as inState, agentInput, startAgent, untilAgent as until } from '../support/agents.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { workflowBundle } from '../support/workers.js';

// On the real dev server, not the time-skipping one: that server's continue-as-new is not atomic, so a signal sent
// while a run hands over can be lost there — exactly the moment this test is about.
let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools | undefined;

beforeAll(async () => {
  env = await startLocalTemporal();
  db = testDb();
  pools = await startLifecyclePools(env.nativeConnection, env.namespace ?? 'default', db, {
    workflowBundle: await workflowBundle(),
    snapshots: createLocalSnapshotStore(mkdtempSync(join(tmpdir(), 'ants-agent-can-'))),
  });
});

afterAll(async () => {
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

it('continues as new before its history grows long, losing no signal and keeping lifecycle, memory, usage and the idle timer', async () => {
  const tenant = freshTenant('agent');
  // Fifteen idle seconds: long enough for the burst below, short enough to watch the timer fire in the new run.
  const handle = await startAgent(env.client, agentInput(tenant, { maxHistoryEvents: 40, idleMinutes: 0.25 }));
  await inState(handle, 'IDLE');
  for (let i = 1; i <= 8; i += 1) {
    await handle.signal(assignSignal, { taskId: `task-${i}` });
    await handle.signal(releaseSignal, { taskId: `task-${i}`, tokens: 100 });
  }
  const view = await until(handle, (v) => v.usage.tokens === 800 && v.state === 'IDLE' && v.runs > 1, 'all eight tasks released, in a later run');
  expect(view.memory).toMatchObject({ tasksServed: 8 });
  expect(view.revision).toBeGreaterThanOrEqual(17);
  const { runId } = await handle.describe();
  expect(runId).not.toBe(handle.firstExecutionRunId);
  const asleep = await until(handle, (v) => v.state === 'SLEEPING', 'SLEEPING after the idle timer of the new run', 40_000);
  expect(asleep.usage.tokens).toBe(800);
  expect(asleep.lastCheckpointSeq).toBeGreaterThan(0);
}, 60_000);
