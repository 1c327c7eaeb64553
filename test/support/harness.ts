import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import type { Adapters } from '../../activities/adapters.js';
import type { Reasoner } from '../../activities/models/reasoner.js';
import { TASK_QUEUES, taskWorkflowId } from '../../core/tasks/queues.js';
import type { TaskStatus, TaskWorkflowInput } from '../../core/tasks/task.js';
import type { Db } from '../../infra/db/pool.js';
import { statusQuery } from '../../workflows/task/messages.js';
import { searchAttributesFor } from '../../workflows/task/search-attributes.js';
import { startLocalTemporal, startTimeSkippingTemporal, testDb } from './stack.js';
import { startInProcessPools, type InProcessPools } from './workers.js';

export interface TaskHarness {
  readonly env: TestWorkflowEnvironment;
  readonly db: Db;
  start(input: TaskWorkflowInput): Promise<WorkflowHandle>;
  waitForStatus(handle: WorkflowHandle, status: TaskStatus): Promise<void>;
}

export interface HarnessOptions {
  server?: 'dev' | 'time-skipping';
  /** Built after the server, e.g. to point at a fake endpoint started in the same file. */
  reasoner?: () => Reasoner;
  /** The ports' adapters (default: the configured profile's), built once the database is open. */
  adapters?: (db: Db) => Adapters;
}

/**
 * One test file's world: a real Temporal server (the dev server, or the time-skipping one), the test database and
 * every pool's real activities in this process. Registers its own beforeAll/afterAll.
 */
export function useTaskHarness(options: HarnessOptions = {}): TaskHarness {
  let env: TestWorkflowEnvironment | undefined;
  let db: Db | undefined;
  let pools: InProcessPools | undefined;

  beforeAll(async () => {
    env = options.server === 'time-skipping' ? await startTimeSkippingTemporal() : await startLocalTemporal();
    db = testDb();
    // With the server's client, the pools can also recruit agents (activation) and make room for swarms.
    pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db, {
      reasoner: options.reasoner?.(),
      temporalClient: env.client,
      ...(options.adapters ? { adapters: options.adapters(db) } : {}),
    });
  });

  afterAll(async () => {
    await pools?.shutdown();
    await env?.teardown();
    await db?.end();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the harness's ${what} is used before beforeAll ran`);
    return value;
  };

  return {
    get env() {
      return ready(env, 'server');
    },
    get db() {
      return ready(db, 'database');
    },
    async start(input) {
      return ready(env, 'server').client.workflow.start('taskWorkflow', {
        workflowId: taskWorkflowId(input.tenant, input.taskId),
        taskQueue: TASK_QUEUES.workflows,
        args: [input],
        typedSearchAttributes: searchAttributesFor(input, 'RUNNING'),
      });
    },
    async waitForStatus(handle, status) {
      for (let i = 0; i < 300; i += 1) {
        const view = await handle.query(statusQuery).catch(() => undefined);
        if (view?.status === status) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`task ${handle.workflowId} never reached ${status}`);
    },
  };
}
