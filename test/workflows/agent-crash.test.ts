import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalSnapshotStore, type SnapshotStore } from '../../activities/lifecycle/snapshots.js';
import type { AgentWorkflowInput } from '../../core/agents/agent.js';
import type { Db } from '../../infra/db/pool.js';
import { startLifecyclePools, type InProcessPools } from '../../workers/in-process.js';
import { assignSignal, releaseSignal, sleepSignal } from '../../workflows/agent/messages.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { workflowBundle } from '../support/workers.js';
import { agentInState as inState, agentInput, startAgent as startAgentOn, untilAgent as until } from '../support/agents.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools | undefined;
let snapshotRoot: string;
/** Set by a test to make the next checkpoint die after its snapshot is written, as a crashing worker would. */
let crashAfterNextSave = false;

function crashingOnce(inner: SnapshotStore): SnapshotStore {
  return {
    kind: inner.kind,
    load: (location) => inner.load(location),
    async save(key, data) {
      const saved = await inner.save(key, data);
      if (crashAfterNextSave) {
        crashAfterNextSave = false;
        throw new Error('worker died after writing the snapshot, before recording it');
      }
      return saved;
    },
  };
}

async function startPools(): Promise<InProcessPools> {
  return startLifecyclePools(env.nativeConnection, env.namespace ?? 'default', db, {
    workflowBundle: await workflowBundle(),
    snapshots: crashingOnce(createLocalSnapshotStore(snapshotRoot)),
    // No sticky cache: a restarted worker replays from history, which is what a replacement process does.
    maxCachedWorkflows: 0,
  });
}

beforeAll(async () => {
  // The dev server, not the time-skipping one: only it hands a dead worker's sticky work to a new worker.
  env = await startLocalTemporal();
  db = testDb();
  snapshotRoot = mkdtempSync(join(tmpdir(), 'ants-agent-test-'));
  pools = await startPools();
});

afterAll(async () => {
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

const startAgent = (input: AgentWorkflowInput) => startAgentOn(env.client, input);

describe('agent crash safety', () => {
  it('loses nothing when the worker dies mid-checkpoint or while the agent sleeps and wakes', async () => {
    const tenant = freshTenant('agent');
    const handle = await startAgent(agentInput(tenant));
    await inState(handle, 'IDLE');
    await handle.signal(assignSignal, { taskId: 'before-crash' });
    await handle.signal(releaseSignal, { taskId: 'before-crash' });
    await until(handle, (v) => v.state === 'IDLE' && v.memory?.tasksServed === 1, 'one task served');

    // The first checkpoint attempt dies after writing the snapshot: the retry writes the same one and records it once.
    crashAfterNextSave = true;
    await handle.signal(sleepSignal, { reason: 'test' });
    const asleep = await inState(handle, 'SLEEPING');
    expect(crashAfterNextSave).toBe(false);
    const recorded = await db.query('select seq from agent_checkpoints where tenant_id = $1', [tenant]);
    expect(recorded.rows).toEqual([{ seq: String(asleep.lastCheckpointSeq) }]);

    // No worker at all while the agent sleeps and while the wake arrives: the wake waits in Temporal.
    await pools?.shutdown();
    pools = undefined;
    await handle.signal(assignSignal, { taskId: 'after-crash' });
    pools = await startPools();
    const woken = await until(handle, (v) => v.state === 'ACTIVE', 'ACTIVE after the restart');
    expect(woken.memory).toMatchObject({ tasksServed: 1, recentTasks: ['before-crash'] });
    expect(woken.tasks).toEqual(['after-crash']);
  });
});
