import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The fake's stand-in for the data on a volume: a directory per volume, with NFS's read-only view of each snapshot
 * under `.snapshot/<name>/`.
 */
export const SNAPSHOT_DIRECTORY = '.snapshot';

/** A snapshot is point-in-time: copy what the volume holds now, minus the snapshots themselves. */
export async function captureSnapshot(volumeDirectory: string, name: string): Promise<void> {
  await copyVolumeContent(volumeDirectory, join(volumeDirectory, SNAPSHOT_DIRECTORY, name));
}

export async function dropSnapshot(volumeDirectory: string, name: string): Promise<void> {
  await rm(join(volumeDirectory, SNAPSHOT_DIRECTORY, name), { recursive: true, force: true });
}

/** Revert: the live data becomes the snapshot's again; whatever was written since is gone. */
export async function revertToSnapshot(volumeDirectory: string, name: string): Promise<void> {
  for (const entry of await readdir(volumeDirectory)) {
    if (entry !== SNAPSHOT_DIRECTORY) await rm(join(volumeDirectory, entry), { recursive: true, force: true });
  }
  await copyVolumeContent(join(volumeDirectory, SNAPSHOT_DIRECTORY, name), volumeDirectory);
}

/** A volume created from a snapshot starts with the snapshot's data and no snapshots of its own. */
export async function cloneSnapshot(sourceVolumeDirectory: string, name: string, targetDirectory: string): Promise<void> {
  await mkdir(targetDirectory, { recursive: true });
  await copyVolumeContent(join(sourceVolumeDirectory, SNAPSHOT_DIRECTORY, name), targetDirectory);
}

async function copyVolumeContent(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from)) {
    if (entry !== SNAPSHOT_DIRECTORY) await cp(join(from, entry), join(to, entry), { recursive: true });
  }
}
