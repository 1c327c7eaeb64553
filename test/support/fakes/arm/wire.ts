import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** ARM's wire format, as much of it as the NetApp SDK reads. */

export interface VolumeRef {
  resourceGroup: string;
  account: string;
  pool: string;
  volume: string;
}

export interface FakeSnapshot {
  name: string;
  snapshotId: string;
  created: Date;
  /** Creation order: snapshots taken after another are lost when the volume reverts to it. */
  order: number;
  provisioningState: 'Creating' | 'Succeeded' | 'Deleting' | 'Failed';
}

export interface FakeVolume {
  ref: VolumeRef;
  directory: string;
  location: string;
  fileSystemId: string;
  creationToken: string;
  subnetId: string;
  usageThreshold: number;
  serviceLevel: string;
  snapshotId?: string;
  provisioningState: 'Creating' | 'Succeeded' | 'Failed';
  snapshots: Map<string, FakeSnapshot>;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function volumeId(subscriptionId: string, { resourceGroup, account, pool, volume }: VolumeRef): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.NetApp/netAppAccounts/${account}/capacityPools/${pool}/volumes/${volume}`;
}

export function snapshotId(subscriptionId: string, ref: VolumeRef, name: string): string {
  return `${volumeId(subscriptionId, ref)}/snapshots/${name}`;
}

export function volumeBody(subscriptionId: string, volume: FakeVolume): object {
  const { ref } = volume;
  return {
    id: volumeId(subscriptionId, ref),
    // ARM names nested resources by their whole path under the account.
    name: `${ref.account}/${ref.pool}/${ref.volume}`,
    type: 'Microsoft.NetApp/netAppAccounts/capacityPools/volumes',
    location: volume.location,
    properties: {
      fileSystemId: volume.fileSystemId,
      creationToken: volume.creationToken,
      serviceLevel: volume.serviceLevel,
      usageThreshold: volume.usageThreshold,
      subnetId: volume.subnetId,
      protocolTypes: ['NFSv4.1'],
      snapshotDirectoryVisible: true,
      provisioningState: volume.provisioningState,
      ...(volume.snapshotId ? { snapshotId: volume.snapshotId } : {}),
      mountTargets: [{ fileSystemId: volume.fileSystemId, ipAddress: '10.0.0.4' }],
    },
  };
}

export function snapshotBody(subscriptionId: string, volume: FakeVolume, snapshot: FakeSnapshot): object {
  const { ref } = volume;
  return {
    id: snapshotId(subscriptionId, ref, snapshot.name),
    name: `${ref.account}/${ref.pool}/${ref.volume}/${snapshot.name}`,
    type: 'Microsoft.NetApp/netAppAccounts/capacityPools/volumes/snapshots',
    location: volume.location,
    properties: { snapshotId: snapshot.snapshotId, created: snapshot.created.toISOString(), provisioningState: snapshot.provisioningState },
  };
}

export function send(response: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), 'x-ms-request-id': randomUUID(), ...headers });
  response.end(text);
}

export function sendError(response: ServerResponse, { status, code, message }: ArmError): void {
  send(response, status, { error: { code, message } }, { 'x-ms-error-code': code });
}
