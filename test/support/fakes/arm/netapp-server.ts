import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FakeTokenCredential } from './credential.js';
import { selfSignedCertificate } from './tls.js';
import { FakeOperations, type FakeOperation, type OperationKind } from './operations.js';
import { captureSnapshot, cloneSnapshot, dropSnapshot, revertToSnapshot } from './volume-files.js';
import { ArmError, send, sendError, snapshotBody, snapshotId, volumeBody, type FakeSnapshot, type FakeVolume, type VolumeRef } from './wire.js';

/**
 * An in-process Azure Resource Manager for Microsoft.NetApp volumes and snapshots, over TLS, in ARM's wire format:
 * creates answer 201 with `provisioningState: Creating` plus `Azure-AsyncOperation` and `Location` headers, the
 * operation reports `InProgress` until it finishes after `operationMs`, deletes and reverts answer 202, errors
 * are `{ error: { code, message } }`. Each volume's data is a directory; snapshots copy it into `.snapshot/<name>/`.
 */
export interface FakeNetApp {
  endpoint: string;
  /** The certificate to trust for `endpoint`. */
  ca: string;
  subscriptionId: string;
  credential: FakeTokenCredential;
  /** How long each long-running operation runs before it succeeds. */
  operationMs: number;
  requests: RecordedRequest[];
  operations: FakeOperation[];
  addVolume(ref: VolumeRef, directory: string): void;
  volume(ref: VolumeRef): FakeVolume | undefined;
  /** The next request matching `method` and `path` is answered with this ARM error instead. */
  failNext(method: string, path: RegExp, error: { status: number; code: string; message: string }): void;
  /** The next long-running operation of this kind ends `Failed` with this error. */
  failNextOperation(kind: OperationKind, error: { code: string; message: string }): void;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

const VOLUME_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.NetApp\/netAppAccounts\/([^/]+)\/capacityPools\/([^/]+)\/volumes\/([^/]+)(\/revert|\/snapshots|\/snapshots\/[^/]+)?$/i;
const OPERATION_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.NetApp\/locations\/([^/]+)\/operationResults\/([^/]+)$/i;
const REGION = 'westeurope';

const volumeKey = ({ resourceGroup, account, pool, volume }: VolumeRef) => [resourceGroup, account, pool, volume].join('/').toLowerCase();

export async function startFakeNetApp({ root, subscriptionId = randomUUID(), operationMs = 200 }: { root: string; subscriptionId?: string; operationMs?: number }): Promise<FakeNetApp> {
  const certificate = selfSignedCertificate();
  const credential = new FakeTokenCredential(`fake-arm-token-${randomUUID()}`);
  const volumes = new Map<string, FakeVolume>();
  const requests: RecordedRequest[] = [];
  const injected: Array<{ method: string; path: RegExp; error: ArmError }> = [];
  let order = 0;
  let endpoint = '';
  const operations = new FakeOperations(() => `${endpoint}/subscriptions/${subscriptionId}/providers/Microsoft.NetApp/locations/${REGION}/operationResults`, operationMs);

  function findVolume(ref: VolumeRef): FakeVolume {
    const volume = volumes.get(volumeKey(ref));
    if (!volume) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.NetApp/netAppAccounts/${ref.account}/capacityPools/${ref.pool}/volumes/${ref.volume}' under resource group '${ref.resourceGroup}' was not found.`);
    return volume;
  }

  function findSnapshot(volume: FakeVolume, name: string): FakeSnapshot {
    const snapshot = volume.snapshots.get(name);
    if (!snapshot) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.NetApp/netAppAccounts/${volume.ref.account}/capacityPools/${volume.ref.pool}/volumes/${volume.ref.volume}/snapshots/${name}' was not found.`);
    return snapshot;
  }

  /** A snapshot named in a request body, by its UUID or its resource id, among the account's volumes. */
  function resolveSnapshot(account: string, reference: unknown): { volume: FakeVolume; snapshot: FakeSnapshot } {
    for (const volume of volumes.values()) {
      if (volume.ref.account.toLowerCase() !== account.toLowerCase()) continue;
      for (const snapshot of volume.snapshots.values()) {
        const ids = [snapshot.snapshotId, snapshotId(subscriptionId, volume.ref, snapshot.name)].map((id) => id.toLowerCase());
        if (typeof reference === 'string' && ids.includes(reference.toLowerCase())) return { volume, snapshot };
      }
    }
    throw new ArmError(400, 'InvalidSnapshotId', `snapshotId ${JSON.stringify(reference)} does not name a snapshot in account ${account}`);
  }

  async function handleVolume(method: string, ref: VolumeRef, rest: string, body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    if (rest === '' && method === 'GET') return send(response, 200, volumeBody(subscriptionId, findVolume(ref)));
    if (rest === '' && method === 'PUT') return createVolume(ref, body, response);
    if (rest.toLowerCase() === '/revert' && method === 'POST') return revertVolume(findVolume(ref), body, response);
    const volume = findVolume(ref);
    if (rest.toLowerCase() === '/snapshots' && method === 'GET') {
      return send(response, 200, { value: [...volume.snapshots.values()].map((snapshot) => snapshotBody(subscriptionId, volume, snapshot)) });
    }
    const name = rest.split('/')[2];
    if (!name) throw new ArmError(405, 'MethodNotAllowed', `${method} ${rest} is not supported`);
    if (method === 'GET') return send(response, 200, snapshotBody(subscriptionId, volume, findSnapshot(volume, name)));
    if (method === 'PUT') return createSnapshot(volume, name, body, response);
    if (method === 'DELETE') return deleteSnapshot(volume, name, response);
    throw new ArmError(405, 'MethodNotAllowed', `${method} is not supported on snapshots`);
  }

  async function createSnapshot(volume: FakeVolume, name: string, body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    if (typeof body.location !== 'string') throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
    if (volume.snapshots.has(name)) throw new ArmError(409, 'Conflict', `Snapshot ${name} already exists on volume ${volume.ref.volume}.`);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/.test(name)) throw new ArmError(400, 'InvalidResourceName', `Snapshot name ${name} is not valid.`);
    const snapshot: FakeSnapshot = { name, snapshotId: randomUUID(), created: new Date(), order: (order += 1), provisioningState: 'Creating' };
    volume.snapshots.set(name, snapshot);
    await captureSnapshot(volume.directory, name);
    const operation = operations.start('create-snapshot', name, {
      finish: async () => void (snapshot.provisioningState = 'Succeeded'),
      result: () => snapshotBody(subscriptionId, volume, snapshot),
      fail: () => void (snapshot.provisioningState = 'Failed'),
    });
    operations.accept(response, 201, operation, snapshotBody(subscriptionId, volume, snapshot));
  }

  async function deleteSnapshot(volume: FakeVolume, name: string, response: ServerResponse): Promise<void> {
    const snapshot = volume.snapshots.get(name);
    // ARM answers a delete of something already gone with 204.
    if (!snapshot) return send(response, 204);
    if (snapshot.provisioningState !== 'Succeeded') throw new ArmError(409, 'Conflict', `Snapshot ${name} is ${snapshot.provisioningState}; try again later.`);
    snapshot.provisioningState = 'Deleting';
    const operation = operations.start('delete-snapshot', name, {
      finish: async () => {
        volume.snapshots.delete(name);
        await dropSnapshot(volume.directory, name);
      },
      result: () => undefined,
      fail: () => void (snapshot.provisioningState = 'Succeeded'),
    });
    operations.accept(response, 202, operation);
  }

  async function createVolume(ref: VolumeRef, body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    const properties = (body.properties ?? {}) as Record<string, unknown>;
    const existing = volumes.get(volumeKey(ref));
    if (existing) {
      if (existing.snapshotId !== properties.snapshotId) throw new ArmError(409, 'Conflict', `Volume ${ref.volume} already exists.`);
      return send(response, 200, volumeBody(subscriptionId, existing));
    }
    for (const field of ['creationToken', 'subnetId', 'usageThreshold'] as const) {
      if (properties[field] === undefined) throw new ArmError(400, 'InvalidParameter', `properties.${field} is required.`);
    }
    if (typeof body.location !== 'string') throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
    const source = properties.snapshotId === undefined ? undefined : resolveSnapshot(ref.account, properties.snapshotId);
    const volume: FakeVolume = {
      ref,
      directory: join(root, `${ref.account}-${ref.pool}-${ref.volume}`),
      location: body.location,
      fileSystemId: randomUUID(),
      creationToken: String(properties.creationToken),
      subnetId: String(properties.subnetId),
      usageThreshold: Number(properties.usageThreshold),
      serviceLevel: typeof properties.serviceLevel === 'string' ? properties.serviceLevel : 'Premium',
      ...(source ? { snapshotId: String(properties.snapshotId) } : {}),
      provisioningState: 'Creating',
      snapshots: new Map(),
    };
    volumes.set(volumeKey(ref), volume);
    const operation = operations.start('create-volume', ref.volume, {
      finish: async () => {
        if (source) await cloneSnapshot(source.volume.directory, source.snapshot.name, volume.directory);
        volume.provisioningState = 'Succeeded';
      },
      result: () => volumeBody(subscriptionId, volume),
      fail: () => void (volume.provisioningState = 'Failed'),
    });
    operations.accept(response, 201, operation, volumeBody(subscriptionId, volume));
  }

  async function revertVolume(volume: FakeVolume, body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    if (operations.inProgress('revert-volume', volume.ref.volume)) throw new ArmError(409, 'Conflict', `Volume ${volume.ref.volume} is being reverted already.`);
    const { volume: owner, snapshot } = resolveSnapshot(volume.ref.account, body.snapshotId);
    if (owner !== volume) throw new ArmError(400, 'InvalidSnapshotId', 'A volume can only be reverted to one of its own snapshots.');
    const operation = operations.start('revert-volume', volume.ref.volume, {
      finish: async () => {
        await revertToSnapshot(volume.directory, snapshot.name);
        // Snapshots taken after the one reverted to are lost with the data written after it.
        for (const later of [...volume.snapshots.values()].filter((other) => other.order > snapshot.order)) {
          volume.snapshots.delete(later.name);
          await dropSnapshot(volume.directory, later.name);
        }
      },
      result: () => undefined,
      fail: () => undefined,
    });
    operations.accept(response, 202, operation);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://localhost');
    const method = request.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    response.on('finish', () => requests.push({ method, path: url.pathname, status: response.statusCode }));
    try {
      if (request.headers.authorization !== `Bearer ${credential.token}`) throw new ArmError(401, 'AuthenticationFailed', 'Authentication failed. The Authorization header is missing or invalid.');
      if (!url.searchParams.get('api-version')) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
      const injectedIndex = injected.findIndex((candidate) => candidate.method === method && candidate.path.test(url.pathname));
      if (injectedIndex >= 0) {
        const [failure] = injected.splice(injectedIndex, 1);
        if (failure) throw failure.error;
      }
      const operation = OPERATION_PATH.exec(url.pathname);
      if (operation?.[3] && method === 'GET') return operations.respond(operation[3], url.searchParams.get('operationResultResponseType') === 'Location', response);
      const match = VOLUME_PATH.exec(url.pathname);
      if (!match || match[1] !== subscriptionId) throw new ArmError(404, 'InvalidResourceType', `No route for ${method} ${url.pathname}`);
      const [, , resourceGroup = '', account = '', pool = '', volume = '', rest = ''] = match;
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      await handleVolume(method, { resourceGroup, account, pool, volume }, rest, body, response);
    } catch (error) {
      sendError(response, error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', String(error)));
    }
  }

  const server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeNetApp = {
    endpoint,
    ca: certificate.cert,
    subscriptionId,
    credential,
    get operationMs() {
      return operations.operationMs;
    },
    set operationMs(value: number) {
      operations.operationMs = value;
    },
    requests,
    operations: operations.all,
    addVolume(ref, directory) {
      volumes.set(volumeKey(ref), {
        ref,
        directory,
        location: REGION,
        fileSystemId: randomUUID(),
        creationToken: ref.volume,
        subnetId: `/subscriptions/${subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/anf`,
        usageThreshold: 107_374_182_400,
        serviceLevel: 'Premium',
        provisioningState: 'Succeeded',
        snapshots: new Map(),
      });
    },
    volume: (ref) => volumes.get(volumeKey(ref)),
    failNext(method, path, { status, code, message }) {
      injected.push({ method, path, error: new ArmError(status, code, message) });
    },
    failNextOperation(kind, error) {
      operations.failNext(kind, error);
    },
    async close() {
      operations.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
