import type { NetAppManagementClient } from '@azure/arm-netapp';
import type { AntsConfig } from '../../../infra/config.js';
import type { SnapshotStore } from '../snapshots.js';
import { createNetAppSnapshotActivities, type NetAppSnapshotActivities } from './activities.js';
import { netAppClientWithManagedIdentity } from './client.js';
import { createNetAppSnapshotStore } from './store.js';

/** The settings it reads (infra/config.ts validates them at start, and requires the first six for this adapter). */
export type NetAppSettings = Pick<
  AntsConfig,
  | 'ANTS_NETAPP_SUBSCRIPTION_ID'
  | 'ANTS_NETAPP_RESOURCE_GROUP'
  | 'ANTS_NETAPP_ACCOUNT'
  | 'ANTS_NETAPP_POOL'
  | 'ANTS_NETAPP_VOLUME'
  | 'ANTS_NETAPP_MOUNT_PATH'
  | 'ANTS_NETAPP_KEEP_LAST'
  | 'ANTS_NETAPP_KEEP_DAYS'
  | 'ANTS_NETAPP_PRUNE_ON_SAVE'
  | 'ANTS_NETAPP_POLL_INTERVAL_MS'
  | 'ANTS_NETAPP_ARM_ENDPOINT'
>;

function required(settings: NetAppSettings, key: keyof NetAppSettings): string {
  const value = settings[key];
  if (typeof value !== 'string' || value === '') throw new Error(`the NetApp Files snapshots need ${key}`);
  return value;
}

/** The store and the extra activities, signed in with the managed identity. */
export function netAppCheckpointsFromSettings(
  settings: NetAppSettings,
  client: NetAppManagementClient = netAppClientWithManagedIdentity(required(settings, 'ANTS_NETAPP_SUBSCRIPTION_ID'), settings.ANTS_NETAPP_ARM_ENDPOINT),
): { snapshots: SnapshotStore; activities: NetAppSnapshotActivities } {
  const volume = {
    resourceGroup: required(settings, 'ANTS_NETAPP_RESOURCE_GROUP'),
    account: required(settings, 'ANTS_NETAPP_ACCOUNT'),
    pool: required(settings, 'ANTS_NETAPP_POOL'),
    volume: required(settings, 'ANTS_NETAPP_VOLUME'),
  };
  const retention = { keepLast: settings.ANTS_NETAPP_KEEP_LAST, keepDays: settings.ANTS_NETAPP_KEEP_DAYS };
  const polling = { pollIntervalMs: settings.ANTS_NETAPP_POLL_INTERVAL_MS, heartbeatIntervalMs: settings.ANTS_NETAPP_POLL_INTERVAL_MS };
  return {
    snapshots: createNetAppSnapshotStore({
      mountPath: required(settings, 'ANTS_NETAPP_MOUNT_PATH'),
      client,
      volume,
      polling,
      ...(settings.ANTS_NETAPP_PRUNE_ON_SAVE ? { retention } : {}),
    }),
    activities: createNetAppSnapshotActivities({ client, volume, retention, polling }),
  };
}
