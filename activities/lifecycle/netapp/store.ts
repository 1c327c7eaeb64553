import { join } from 'node:path';
import type { NetAppManagementClient } from '@azure/arm-netapp';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createLocalSnapshotStore, type SnapshotStore } from '../snapshots.js';
import type { NetAppVolumeRef } from './client.js';
import { checkedKey } from '../snapshots.js';
import { checkpointFileFor, formatLocation, parseLocation, snapshotNameFor } from './names.js';
import { DEFAULT_POLLING, heartbeatingWhile, type PollingOptions } from './polling.js';
import { pruneCheckpointSnapshots } from './pruning.js';
import type { RetentionPolicy } from './retention.js';
import { ensureSnapshot, volumeRegion, type NetAppVolumeAccess } from './snapshot-operations.js';

/** Checkpoint files live in this directory of the volume, so the volume root stays free for `.snapshot`. */
export const CHECKPOINT_DIRECTORY = 'checkpoints';

export interface NetAppSnapshotStoreOptions {
  /** Where this worker mounts the volume's root over NFS (its `.snapshot` directory is there). */
  mountPath: string;
  client: NetAppManagementClient;
  volume: NetAppVolumeRef;
  /** When set, each save also prunes that agent's older snapshots (best effort; `pruneSnapshots` is the sweep). */
  retention?: RetentionPolicy;
  polling?: Partial<PollingOptions>;
}

/** Where a snapshot shows the checkpoint directory: NFS exposes each snapshot read-only under `.snapshot/<name>/`. */
export function snapshotCheckpointDirectory(mountPath: string, snapshot: string): string {
  return join(mountPath, '.snapshot', snapshot, CHECKPOINT_DIRECTORY);
}

/**
 * Checkpoints on Azure NetApp Files: the file is written to the mounted volume by the directory store (atomically),
 * then a volume snapshot named after the checkpoint makes it survive overwrites, reverts and region loss (snapshots
 * replicate with the volume). Loading prefers the live file and falls back to the snapshot's copy.
 */
export function createNetAppSnapshotStore(options: NetAppSnapshotStoreOptions): SnapshotStore {
  const polling = { ...DEFAULT_POLLING, ...options.polling };
  const access: NetAppVolumeAccess = { client: options.client, volume: options.volume, polling };
  const live = createLocalSnapshotStore(join(options.mountPath, CHECKPOINT_DIRECTORY));
  let region: Promise<string> | undefined;
  const regionOnce = () => {
    region ??= volumeRegion(access).catch((error: unknown) => {
      region = undefined;
      throw error;
    });
    return region;
  };

  return {
    kind: 'azure-netapp-files',
    async save(key, data) {
      const checked = checkedKey(key);
      const saved = await live.save(checked, data);
      const file = checkpointFileFor(checked);
      if (saved.location !== file) throw new Error(`the directory store wrote ${saved.location}, expected ${file}: its layout changed`);
      const snapshot = snapshotNameFor(checked);
      await heartbeatingWhile(() => ensureSnapshot(access, snapshot, regionOnce), polling);
      if (options.retention) await pruneQuietly(access, checked, options.retention);
      return { ...saved, location: formatLocation({ key: checked, snapshot, file }) };
    },
    async load(location) {
      const { snapshot, file } = parseLocation(location);
      const fromLive = await readUnlessMissing(() => live.load(file));
      if (fromLive) return fromLive;
      // The live file is gone (the volume was reverted, or this is a volume restored from a snapshot): the
      // snapshot still has it.
      const fromSnapshot = await readUnlessMissing(() => createLocalSnapshotStore(snapshotCheckpointDirectory(options.mountPath, snapshot)).load(file));
      if (fromSnapshot) return fromSnapshot;
      throw ApplicationFailure.nonRetryable(`checkpoint ${file} is neither on the volume nor in its snapshot ${snapshot}`, 'CheckpointMissing');
    },
  };
}

async function readUnlessMissing(read: () => Promise<Buffer>): Promise<Buffer | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The checkpoint is safe once its snapshot exists; failing it because housekeeping failed would only retry it. */
async function pruneQuietly(access: NetAppVolumeAccess, key: { tenant: string; agentId: string }, retention: RetentionPolicy): Promise<void> {
  try {
    await heartbeatingWhile(() => pruneCheckpointSnapshots(access, retention, new Date(), key), access.polling);
  } catch (error) {
    const message = 'pruning checkpoint snapshots after a save failed; the agent\'s next checkpoint prunes again';
    const details = { agentId: key.agentId, error: String(error) };
    try {
      Context.current().log.warn(message, details);
    } catch {
      console.warn(message, details);
    }
  }
}
