import type { NetAppManagementClient, Snapshot } from '@azure/arm-netapp';
import type { NetAppVolumeRef } from './client.js';
import { isConflict, isNotFound, netAppFailure } from './errors.js';
import { untilProvisioned, type PollingOptions } from './polling.js';

/** Everything a call on the checkpoint volume needs. */
export interface NetAppVolumeAccess {
  client: NetAppManagementClient;
  volume: NetAppVolumeRef;
  polling: PollingOptions;
}

export const describeVolume = ({ resourceGroup, account, pool, volume }: NetAppVolumeRef) => `${resourceGroup}/${account}/${pool}/${volume}`;

export async function getSnapshot({ client, volume }: NetAppVolumeAccess, name: string): Promise<Snapshot | undefined> {
  try {
    return await client.snapshots.get(volume.resourceGroup, volume.account, volume.pool, volume.volume, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw netAppFailure(`reading snapshot ${name} of volume ${describeVolume(volume)}`, error);
  }
}

/** The volume's Azure region: a snapshot is created in its volume's region, and ARM wants it in the body. */
export async function volumeRegion({ client, volume }: NetAppVolumeAccess): Promise<string> {
  try {
    return (await client.volumes.get(volume.resourceGroup, volume.account, volume.pool, volume.volume)).location;
  } catch (error) {
    throw netAppFailure(`reading volume ${describeVolume(volume)}`, error);
  }
}

/**
 * Creates the named snapshot unless it exists, and waits until it is usable. Idempotent by name: an attempt that
 * died while its snapshot was still being created left the snapshot behind, and this one waits on that snapshot
 * instead of asking for another (ARM refuses a second create of a name with 409, which means the same).
 */
export async function ensureSnapshot(access: NetAppVolumeAccess, name: string, region: () => Promise<string>): Promise<Snapshot> {
  const { client, volume, polling } = access;
  const action = `creating snapshot ${name} of volume ${describeVolume(volume)}`;
  const existing = await getSnapshot(access, name);
  const waitForIt = () => untilProvisioned(`snapshot ${name}`, () => getSnapshot(access, name), polling);
  if (existing) return existing.provisioningState === 'Succeeded' ? existing : waitForIt();
  try {
    const poller = await client.snapshots.beginCreate(volume.resourceGroup, volume.account, volume.pool, volume.volume, name, { location: await region() }, {
      updateIntervalInMs: polling.pollIntervalMs,
    });
    return await poller.pollUntilDone();
  } catch (error) {
    if (isConflict(error)) return waitForIt();
    throw netAppFailure(action, error);
  }
}

export async function listVolumeSnapshots({ client, volume }: NetAppVolumeAccess): Promise<Snapshot[]> {
  try {
    const snapshots: Snapshot[] = [];
    for await (const snapshot of client.snapshots.list(volume.resourceGroup, volume.account, volume.pool, volume.volume)) snapshots.push(snapshot);
    return snapshots;
  } catch (error) {
    throw netAppFailure(`listing snapshots of volume ${describeVolume(volume)}`, error);
  }
}

/** Deletes the named snapshot and waits for it to be gone; one that is already gone counts as deleted. */
export async function deleteSnapshot({ client, volume, polling }: NetAppVolumeAccess, name: string): Promise<void> {
  try {
    const poller = await client.snapshots.beginDelete(volume.resourceGroup, volume.account, volume.pool, volume.volume, name, {
      updateIntervalInMs: polling.pollIntervalMs,
    });
    await poller.pollUntilDone();
  } catch (error) {
    if (isNotFound(error)) return;
    throw netAppFailure(`deleting snapshot ${name} of volume ${describeVolume(volume)}`, error);
  }
}
