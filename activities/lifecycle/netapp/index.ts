/** Agent checkpoints on Azure NetApp Files: the SnapshotStore adapter and the snapshot activities of the integrations pool. */
export { createNetAppSnapshotStore, snapshotCheckpointDirectory, CHECKPOINT_DIRECTORY, type NetAppSnapshotStoreOptions } from './store.js';
export {
  createNetAppSnapshotActivities,
  listSnapshots,
  pruneSnapshots,
  restoreSnapshot,
  restoreSnapshotRequest,
  type AgentSnapshotSummary,
  type NetAppSnapshotActivities,
  type NetAppSnapshotDeps,
  type RestoreSnapshotRequest,
  type RestoreSnapshotResult,
} from './activities.js';
export { createNetAppClient, netAppClientWithManagedIdentity, type NetAppClientOptions, type NetAppVolumeRef } from './client.js';
export { netAppCheckpointsFromSettings, type NetAppSettings } from './config.js';
export { retentionPolicy, snapshotsToPrune, type RetentionPolicy } from './retention.js';
export { DEFAULT_POLLING, type PollingOptions } from './polling.js';
export { snapshotNameFor } from './names.js';
