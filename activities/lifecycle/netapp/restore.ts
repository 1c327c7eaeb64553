import type { Snapshot, Volume } from '@azure/arm-netapp';
import { ApplicationFailure } from '@temporalio/activity';
import { isConflict, isNotFound, netAppFailure } from './errors.js';
import { untilProvisioned } from './polling.js';
import { describeVolume, type NetAppVolumeAccess } from './snapshot-operations.js';

export interface RestoredVolume {
  name: string;
  id: string;
  /** The export path clients mount (`<mount target ip>:/<creation token>`). */
  creationToken: string;
  mountTargets: string[];
}

async function getVolume({ client, volume }: NetAppVolumeAccess, name: string): Promise<Volume | undefined> {
  try {
    return await client.volumes.get(volume.resourceGroup, volume.account, volume.pool, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw netAppFailure(`reading volume ${name} in ${volume.resourceGroup}/${volume.account}/${volume.pool}`, error);
  }
}

const madeFrom = (volume: Volume, snapshot: Snapshot) =>
  [snapshot.snapshotId, snapshot.id].some((id) => id !== undefined && id.toLowerCase() === volume.snapshotId?.toLowerCase());

function restored(volume: Volume): RestoredVolume {
  return {
    name: volume.name?.split('/').pop() ?? '',
    id: volume.id ?? '',
    creationToken: volume.creationToken,
    mountTargets: (volume.mountTargets ?? []).flatMap((target) => (target.ipAddress ? [target.ipAddress] : [])),
  };
}

/**
 * A new volume, in the checkpoint volume's pool and with its network and protocol settings, holding the snapshot's
 * data. Idempotent by the new volume's name: a retry finds the volume an earlier attempt asked for and waits for
 * it; a volume of that name made from something else is refused rather than reused.
 */
export async function restoreToNewVolume(access: NetAppVolumeAccess, snapshot: Snapshot, name: string): Promise<RestoredVolume> {
  const { client, volume, polling } = access;
  const action = `creating volume ${name} from snapshot ${snapshot.name ?? ''}`;
  const waitForIt = async () => restored(await untilProvisioned(`volume ${name}`, () => getVolume(access, name), polling));
  const existing = await getVolume(access, name);
  if (existing) {
    if (!madeFrom(existing, snapshot)) throw ApplicationFailure.nonRetryable(`${action}: a volume named ${name} exists and was not made from that snapshot`, 'NetAppVolumeExists');
    return existing.provisioningState === 'Succeeded' ? restored(existing) : waitForIt();
  }
  const source = await getVolume(access, volume.volume);
  if (!source) throw ApplicationFailure.nonRetryable(`${action}: the checkpoint volume ${describeVolume(volume)} does not exist`, 'NetAppResourceNotFound');
  const body: Volume = {
    location: source.location,
    creationToken: name,
    subnetId: source.subnetId,
    usageThreshold: source.usageThreshold,
    serviceLevel: source.serviceLevel,
    protocolTypes: source.protocolTypes,
    exportPolicy: source.exportPolicy,
    networkFeatures: source.networkFeatures,
    securityStyle: source.securityStyle,
    unixPermissions: source.unixPermissions,
    snapshotDirectoryVisible: source.snapshotDirectoryVisible,
    zones: source.zones,
    snapshotId: snapshot.snapshotId,
  };
  try {
    const poller = await client.volumes.beginCreateOrUpdate(volume.resourceGroup, volume.account, volume.pool, name, body, { updateIntervalInMs: polling.pollIntervalMs });
    return restored(await poller.pollUntilDone());
  } catch (error) {
    if (isConflict(error)) return waitForIt();
    throw netAppFailure(action, error);
  }
}

/**
 * Reverts the whole checkpoint volume to the snapshot. Everything written after it — every tenant's checkpoints on
 * this volume — and every newer snapshot is lost; ARM cannot undo it. Repeating it (a retry after a crash) reverts
 * to the same point again.
 */
export async function revertVolume(access: NetAppVolumeAccess, snapshot: Snapshot): Promise<void> {
  const { client, volume, polling } = access;
  try {
    const poller = await client.volumes.beginRevert(volume.resourceGroup, volume.account, volume.pool, volume.volume, { snapshotId: snapshot.id }, { updateIntervalInMs: polling.pollIntervalMs });
    await poller.pollUntilDone();
  } catch (error) {
    throw netAppFailure(`reverting volume ${describeVolume(volume)} to snapshot ${snapshot.name ?? ''}`, error);
  }
}
