import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { DEFAULT_COST_MODEL, type CostModel } from '../../core/agents/costs.js';
import type { AntsConfig } from '../../infra/config.js';
import type { Db } from '../../infra/db/pool.js';
import { createActivationActivities } from './activation.js';
import { createCheckpointActivities } from './checkpoints.js';
import { createRegistryActivities, type RegistryDeps } from './registry.js';
import { createLocalSnapshotStore, type SnapshotStore } from './snapshots.js';

/** The local snapshot directory: ANTS_SNAPSHOT_DIR, else `snapshots` under ANTS_HOME. */
export function snapshotDir(config: Pick<AntsConfig, 'ANTS_SNAPSHOT_DIR' | 'antsHome'>): string {
  return resolve(config.ANTS_SNAPSHOT_DIR ?? resolve(config.antsHome, 'snapshots'));
}

export function localSnapshots(config: Pick<AntsConfig, 'ANTS_SNAPSHOT_DIR' | 'antsHome'>): SnapshotStore {
  return createLocalSnapshotStore(snapshotDir(config));
}

export function costModel(config: Partial<Pick<AntsConfig, 'ANTS_COST_COMPUTE_PER_HOUR' | 'ANTS_COST_LLM_PER_1K_TOKENS' | 'ANTS_COST_TOKENS_PER_ACTIVE_HOUR' | 'ANTS_COST_STORAGE_PER_HOUR'>>): CostModel {
  return {
    computePerHour: config.ANTS_COST_COMPUTE_PER_HOUR ?? DEFAULT_COST_MODEL.computePerHour,
    llmPerThousandTokens: config.ANTS_COST_LLM_PER_1K_TOKENS ?? DEFAULT_COST_MODEL.llmPerThousandTokens,
    estimatedTokensPerActiveHour: config.ANTS_COST_TOKENS_PER_ACTIVE_HOUR ?? DEFAULT_COST_MODEL.estimatedTokensPerActiveHour,
    storagePerHour: config.ANTS_COST_STORAGE_PER_HOUR ?? DEFAULT_COST_MODEL.storagePerHour,
  };
}

/** Lifecycle activities of the `memory` pool: publishing swarm state (to the marketplace's store too, when that is elsewhere). */
export function memoryPoolLifecycleActivities(db: Db, swarmState?: RegistryDeps['swarmState']) {
  return createRegistryActivities({ db, ...(swarmState ? { swarmState } : {}) });
}

/** Lifecycle activities of the `integrations` pool: checkpoints through the snapshot port, and activation. */
export function integrationsPoolLifecycleActivities(deps: { db: Db; snapshots: SnapshotStore; temporal?: Client }) {
  return {
    ...createCheckpointActivities(deps),
    ...(deps.temporal ? createActivationActivities({ db: deps.db, temporal: deps.temporal }) : {}),
  };
}
