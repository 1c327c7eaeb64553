import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Adapters } from '../../activities/adapters.js';
import type { Reasoner } from '../../activities/models/reasoner.js';
import type { Db } from '../../infra/db/pool.js';
import { startInProcessPools as startPools, type InProcessPools } from '../../workers/in-process.js';

export type { InProcessPools };

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The workflow bundle, built once per test file (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)), logger: silent });
  return bundle;
}

/** Every pool, in this process, against a real server and database (see workers/in-process.ts). */
export async function startInProcessPools(connection: NativeConnection, namespace: string, db: Db, options: { reasoner?: Reasoner; temporalClient?: Client; adapters?: Adapters } = {}): Promise<InProcessPools> {
  return startPools(connection, namespace, db, { ...options, workflowBundle: await workflowBundle() });
}
