import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetAppManagementClient } from '@azure/arm-netapp';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../infra/config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINT_DIRECTORY,
  createNetAppClient,
  createNetAppSnapshotActivities,
  createNetAppSnapshotStore,
  listSnapshots,
  netAppCheckpointsFromSettings,
  pruneSnapshots,
  restoreSnapshot,
  snapshotNameFor,
  snapshotsToPrune,
  type NetAppVolumeRef,
  type RetentionPolicy,
} from '../../activities/lifecycle/netapp/index.js';
import { parseLocation, parseSnapshotName } from '../../activities/lifecycle/netapp/names.js';
import { sha256, type SnapshotKey } from '../../activities/lifecycle/snapshots.js';
import { describeSnapshotStoreContract } from '../contract/snapshot-store.contract.js';
import { startFakeNetApp, type FakeNetApp } from '../support/fakes/arm/netapp-server.js';

const POLLING = { pollIntervalMs: 20, heartbeatIntervalMs: 10, maxWaitMs: 10_000 };
const KEEP_EVERYTHING: RetentionPolicy = { keepLast: 1_000, keepDays: 365 };

let fake: FakeNetApp;
let client: NetAppManagementClient;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ants-netapp-'));
  fake = await startFakeNetApp({ root: join(root, 'arm'), operationMs: 150 });
  client = createNetAppClient({ subscriptionId: fake.subscriptionId, credential: fake.credential, endpoint: fake.endpoint, trustedCertificates: [fake.ca] });
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

/** A fresh checkpoint volume, mounted at its own directory (alone in a directory of its own, for the contract). */
async function newVolume() {
  const volume: NetAppVolumeRef = { resourceGroup: 'rg-ants', account: 'anf-ants', pool: 'premium', volume: `ckpt-${randomUUID().slice(0, 8)}` };
  const mountPath = join(root, 'mounts', volume.volume, 'mnt');
  await mkdir(mountPath, { recursive: true });
  fake.addVolume(volume, mountPath);
  return { volume, mountPath, deps: { client, volume, retention: KEEP_EVERYTHING, polling: POLLING } };
}

async function newStore(retention?: RetentionPolicy) {
  const setup = await newVolume();
  const store = createNetAppSnapshotStore({ mountPath: setup.mountPath, client, volume: setup.volume, polling: POLLING, ...(retention ? { retention } : {}) });
  return { ...setup, store };
}

const liveFile = (mountPath: string, location: string) => join(mountPath, CHECKPOINT_DIRECTORY, parseLocation(location).file);
const putsOf = (name: string) => fake.requests.filter((request) => request.method === 'PUT' && request.path.endsWith(`/snapshots/${name}`));
const key = (seq: number, tenant = 'acme', agentId = 'finance.reconciliation-1'): SnapshotKey => ({ tenant, agentId, seq });

/** Runs `work` as an activity would run, noting at each heartbeat whether an ARM operation was in progress. */
async function asActivity<T>(work: () => Promise<T>): Promise<{ result: T; heartbeats: boolean[] }> {
  const env = new MockActivityEnvironment();
  const heartbeats: boolean[] = [];
  env.on('heartbeat', () => heartbeats.push(fake.operations.some((operation) => operation.status === 'InProgress')));
  const result = (await env.run(work)) as T;
  return { result, heartbeats };
}

async function failure(work: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describeSnapshotStoreContract('azure netapp files', async () => {
  const { store, mountPath, volume } = await newStore();
  return {
    store,
    root: mountPath,
    async lose(location) {
      await rm(liveFile(mountPath, location));
      await client.snapshots.beginDeleteAndWait(volume.resourceGroup, volume.account, volume.pool, volume.volume, parseLocation(location).snapshot, { updateIntervalInMs: 20 });
    },
  };
});

describe('NetApp checkpoint settings', () => {
  const environment = {
    ANTS_NETAPP_SUBSCRIPTION_ID: '8f1f3a52-3c3e-4f7e-9d55-0d6e2c1b7a10',
    ANTS_NETAPP_RESOURCE_GROUP: 'rg-ants',
    ANTS_NETAPP_ACCOUNT: 'anf-ants',
    ANTS_NETAPP_POOL: 'premium',
    ANTS_NETAPP_VOLUME: 'agent-checkpoints',
    ANTS_NETAPP_MOUNT_PATH: '/mnt/anf/agent-checkpoints',
  };

  it('reads the environment with defaults, and builds the store and activities with the managed identity', () => {
    const settings = loadConfig({ ...environment, ANTS_SNAPSHOTS: 'netapp' });
    expect(settings).toMatchObject({ ANTS_NETAPP_KEEP_LAST: 3, ANTS_NETAPP_KEEP_DAYS: 7, ANTS_NETAPP_PRUNE_ON_SAVE: true, ANTS_NETAPP_POLL_INTERVAL_MS: 5_000 });
    const built = netAppCheckpointsFromSettings(settings);
    expect(built.snapshots.kind).toBe('azure-netapp-files');
    expect(Object.keys(built.activities).sort()).toEqual(['listSnapshots', 'pruneSnapshots', 'restoreSnapshot']);
  });

  it('refuses settings that cannot name a volume, and the adapter without its volume', () => {
    expect(() => loadConfig({ ...environment, ANTS_NETAPP_VOLUME: '1-starts-with-a-digit' })).toThrow(/ANTS_NETAPP_VOLUME/);
    expect(() => loadConfig({ ...environment, ANTS_NETAPP_SUBSCRIPTION_ID: 'not-a-guid' })).toThrow(/ANTS_NETAPP_SUBSCRIPTION_ID/);
    expect(() => loadConfig({ ...environment, ANTS_NETAPP_KEEP_LAST: '0' })).toThrow(/ANTS_NETAPP_KEEP_LAST/);
    expect(() => loadConfig({ ANTS_PROFILE: 'azure', ANTS_PHEROMONE_FIELD: 'postgres', ANTS_SWARM_STATE: 'postgres', ANTS_TASK_INGRESS: 'api' })).toThrow(/NetApp Files snapshots needs ANTS_NETAPP_SUBSCRIPTION_ID/);
  });
});

describe('NetApp checkpoint snapshots', () => {
  it('names snapshots validly and deterministically from the business key, apart per tenant', () => {
    const name = snapshotNameFor(key(42));
    expect(name).toMatch(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/);
    expect(snapshotNameFor(key(42))).toBe(name);
    expect(snapshotNameFor(key(42, 'other-tenant'))).not.toBe(name);
    expect(parseSnapshotName(name)).toMatchObject({ seq: 42 });
    const longest = snapshotNameFor({ tenant: 't'.repeat(128), agentId: `${'a'.repeat(100)}.b-999999`, seq: Number.MAX_SAFE_INTEGER });
    expect(longest.length).toBeLessThanOrEqual(64);
    expect(parseSnapshotName('daily-2026-12-01')).toBeUndefined();
  });

  it('signs in with the credential for the ARM endpoint, over TLS', async () => {
    const { store } = await newStore();
    await store.save(key(1), Buffer.from('{}'));
    expect(fake.credential.scopesRequested).toContain(`${fake.endpoint}/.default`);
    expect(fake.requests.some((request) => request.status === 401)).toBe(false);
  });

  it('writes the file, then snapshots the volume; the snapshot holds the checkpoint', async () => {
    const { store, mountPath, volume } = await newStore();
    const data = Buffer.from('{"ledger":"closed"}');
    const saved = await store.save(key(5), data);
    const { snapshot, file } = parseLocation(saved.location);
    expect(snapshot).toBe(snapshotNameFor(key(5)));
    expect(fake.volume(volume)?.snapshots.get(snapshot)?.provisioningState).toBe('Succeeded');
    expect(await readFile(join(mountPath, '.snapshot', snapshot, CHECKPOINT_DIRECTORY, file))).toEqual(data);
  });

  it('heartbeats while the snapshot operation is in progress', async () => {
    const { store } = await newStore();
    const { result: saved, heartbeats } = await asActivity(() => store.save(key(1), Buffer.from('{"a":1}')));
    expect(saved.sha256).toBe(sha256(Buffer.from('{"a":1}')));
    // The operation runs 150 ms and heartbeats come every 10 ms: several land while ARM reports InProgress.
    expect(heartbeats.filter(Boolean).length).toBeGreaterThanOrEqual(3);
  });

  it('a retry after a crash mid-create finishes the same snapshot instead of making another', async () => {
    const { store, mountPath, volume } = await newStore();
    // The first attempt's worker dies after ARM accepted the create, while its poller waits.
    const crashing = createNetAppClient({ subscriptionId: fake.subscriptionId, credential: fake.credential, endpoint: fake.endpoint, trustedCertificates: [fake.ca] });
    crashing.pipeline.addPolicy({
      name: 'worker-dies-while-polling',
      sendRequest: async (request, next) => {
        if (request.url.includes('/operationResults/')) throw new Error('worker died');
        return next(request);
      },
    });
    const firstAttempt = createNetAppSnapshotStore({ mountPath, client: crashing, volume, polling: POLLING });
    await expect(firstAttempt.save(key(3), Buffer.from('{"n":3}'))).rejects.toThrow(/worker died/);
    const name = snapshotNameFor(key(3));
    expect(fake.volume(volume)?.snapshots.get(name)?.provisioningState).toBe('Creating');

    const { result: retried, heartbeats } = await asActivity(() => store.save(key(3), Buffer.from('{"n":3}')));
    expect(putsOf(name)).toHaveLength(1);
    expect(heartbeats.filter(Boolean).length).toBeGreaterThan(0);
    expect(fake.volume(volume)?.snapshots.get(name)?.provisioningState).toBe('Succeeded');
    expect(await store.load(retried.location)).toEqual(Buffer.from('{"n":3}'));
  });

  it('treats a create that ARM refuses with 409 (made meanwhile by another attempt) as done once it is', async () => {
    const { store, volume } = await newStore();
    const name = snapshotNameFor(key(4));
    await client.snapshots.beginCreate(volume.resourceGroup, volume.account, volume.pool, volume.volume, name, { location: 'westeurope' });
    // The other attempt's create lands between this attempt's read and its create.
    fake.failNext('GET', new RegExp(`/snapshots/${name}$`), { status: 404, code: 'ResourceNotFound', message: 'not yet' });
    await store.save(key(4), Buffer.from('{}'));
    expect(putsOf(name).map((request) => request.status)).toEqual([201, 409]);
    expect(fake.volume(volume)?.snapshots.get(name)?.provisioningState).toBe('Succeeded');
  });

  it('loads from the snapshot when the live file is gone, and fails clearly when both are', async () => {
    const { store, mountPath, volume } = await newStore();
    const data = Buffer.from('{"kept":"in the snapshot"}');
    const saved = await store.save(key(8), data);
    await rm(liveFile(mountPath, saved.location));
    expect(await store.load(saved.location)).toEqual(data);

    await client.snapshots.beginDeleteAndWait(volume.resourceGroup, volume.account, volume.pool, volume.volume, parseLocation(saved.location).snapshot, { updateIntervalInMs: 20 });
    const missing = await failure(store.load(saved.location));
    expect(missing.type).toBe('CheckpointMissing');
    expect(missing.message).toContain(parseLocation(saved.location).snapshot);
  });

  it('lists an agent’s checkpoint snapshots, newest first, with locations the store loads', async () => {
    const { store, deps } = await newStore();
    for (const seq of [1, 2, 3]) await store.save(key(seq), Buffer.from(`{"seq":${seq}}`));
    await store.save(key(1, 'acme', 'hr.onboarding-1'), Buffer.from('{}'));
    await store.save(key(1, 'globex'), Buffer.from('{}'));
    const listed = await listSnapshots(deps, 'acme', 'finance.reconciliation-1');
    expect(listed.map((snapshot) => snapshot.seq)).toEqual([3, 2, 1]);
    expect(listed.every((snapshot) => snapshot.provisioningState === 'Succeeded' && snapshot.created !== null)).toBe(true);
    expect((await store.load(listed[2]?.location ?? '')).toString()).toBe('{"seq":1}');
  });

  it('restores a snapshot to a new volume, once, leaving the checkpoint volume alone', async () => {
    const { store, mountPath, deps } = await newStore();
    const first = await store.save(key(1), Buffer.from('{"seq":1}'));
    await store.save(key(2), Buffer.from('{"seq":2}'));
    const request = { mode: 'new-volume' as const, ...key(1), volumeName: `restored-${randomUUID().slice(0, 8)}` };

    const { result, heartbeats } = await asActivity(() => createNetAppSnapshotActivities(deps).restoreSnapshot(request));
    expect(heartbeats.filter(Boolean).length).toBeGreaterThan(0);
    expect(result).toMatchObject({ mode: 'new-volume', snapshot: snapshotNameFor(key(1)), volume: { name: request.volumeName, creationToken: request.volumeName, mountTargets: ['10.0.0.4'] } });

    const restored = fake.volume({ ...deps.volume, volume: request.volumeName });
    expect(restored?.provisioningState).toBe('Succeeded');
    const restoredFile = (seq: number) => join(restored?.directory ?? '', CHECKPOINT_DIRECTORY, 'acme', 'finance.reconciliation-1', `${String(seq).padStart(12, '0')}.json`);
    expect((await readFile(restoredFile(1))).toString()).toBe('{"seq":1}');
    await expect(readFile(restoredFile(2))).rejects.toThrow(/ENOENT/);
    expect(await readFile(liveFile(mountPath, first.location))).toEqual(Buffer.from('{"seq":1}'));

    // A retry finds the volume it asked for.
    const volumePuts = () => fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/volumes/${request.volumeName}`)).length;
    expect(volumePuts()).toBe(1);
    expect(await restoreSnapshot(deps, request)).toEqual(result);
    expect(volumePuts()).toBe(1);
  });

  it('a restore retried after a crash mid-create waits for the volume the first attempt asked for', async () => {
    const { store, deps } = await newStore();
    await store.save(key(1), Buffer.from('{"seq":1}'));
    const volumeName = `restored-${randomUUID().slice(0, 8)}`;
    const crashing = createNetAppClient({ subscriptionId: fake.subscriptionId, credential: fake.credential, endpoint: fake.endpoint, trustedCertificates: [fake.ca] });
    crashing.pipeline.addPolicy({
      name: 'worker-dies-while-polling',
      sendRequest: async (request, next) => {
        if (request.url.includes('/operationResults/')) throw new Error('worker died');
        return next(request);
      },
    });
    await expect(restoreSnapshot({ ...deps, client: crashing }, { mode: 'new-volume', ...key(1), volumeName })).rejects.toThrow(/worker died/);
    expect(fake.volume({ ...deps.volume, volume: volumeName })?.provisioningState).toBe('Creating');

    const { result, heartbeats } = await asActivity(() => restoreSnapshot(deps, { mode: 'new-volume', ...key(1), volumeName }));
    expect(result).toMatchObject({ mode: 'new-volume', volume: { name: volumeName } });
    expect(heartbeats.filter(Boolean).length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/volumes/${volumeName}`))).toHaveLength(1);
    // A volume of that name made from another snapshot is refused, not reused.
    await store.save(key(2), Buffer.from('{"seq":2}'));
    const clash = await failure(restoreSnapshot(deps, { mode: 'new-volume', ...key(2), volumeName }));
    expect(clash).toMatchObject({ type: 'NetAppVolumeExists', nonRetryable: true });
  });

  it('reverts the volume to a snapshot only when told it is volume-wide: later files and snapshots are gone', async () => {
    const { store, mountPath, deps, volume } = await newStore();
    const first = await store.save(key(1), Buffer.from('{"seq":1}'));
    const second = await store.save(key(2), Buffer.from('{"seq":2}'));
    const unacknowledged = await failure(restoreSnapshot(deps, { mode: 'revert-volume', ...key(1) } as never));
    expect(unacknowledged.type).toBe('InvalidRequest');
    expect(unacknowledged.nonRetryable).toBe(true);

    const { result, heartbeats } = await asActivity(() => restoreSnapshot(deps, { mode: 'revert-volume', ...key(1), acknowledgeVolumeWideRevert: true }));
    expect(result).toEqual({ mode: 'revert-volume', snapshot: snapshotNameFor(key(1)) });
    expect(heartbeats.filter(Boolean).length).toBeGreaterThan(0);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.endsWith(`/volumes/${volume.volume}/revert`) && r.status === 202)).toBe(true);
    expect(await readFile(liveFile(mountPath, first.location))).toEqual(Buffer.from('{"seq":1}'));
    await expect(readFile(liveFile(mountPath, second.location))).rejects.toThrow(/ENOENT/);
    expect((await listSnapshots(deps, 'acme', 'finance.reconciliation-1')).map((snapshot) => snapshot.seq)).toEqual([1]);
  });

  it('prunes by retention: keeps each agent’s newest N and anything younger than D days, never others’ snapshots', async () => {
    const { store, deps, volume } = await newStore();
    for (const seq of [1, 2, 3, 4, 5]) await store.save(key(seq), Buffer.from('{}'));
    for (const seq of [1, 2]) await store.save(key(seq, 'acme', 'hr.onboarding-1'), Buffer.from('{}'));
    await client.snapshots.beginCreateAndWait(volume.resourceGroup, volume.account, volume.pool, volume.volume, 'daily-2026-12-01', { location: 'westeurope' }, { updateIntervalInMs: 20 });

    // Everything is younger than a day: nothing goes.
    expect(await pruneSnapshots({ ...deps, retention: { keepLast: 2, keepDays: 1 } })).toMatchObject({ deleted: [] });

    const { result, heartbeats } = await asActivity(() => createNetAppSnapshotActivities({ ...deps, retention: { keepLast: 2, keepDays: 0 } }).pruneSnapshots());
    expect(heartbeats.filter(Boolean).length).toBeGreaterThan(0);
    expect(result.deleted.sort()).toEqual([1, 2, 3].map((seq) => snapshotNameFor(key(seq))).sort());
    expect(result.kept).toBe(4);
    expect([...(fake.volume(volume)?.snapshots.keys() ?? [])].sort()).toEqual(
      ['daily-2026-12-01', ...[4, 5].map((seq) => snapshotNameFor(key(seq))), ...[1, 2].map((seq) => snapshotNameFor(key(seq, 'acme', 'hr.onboarding-1')))].sort(),
    );
    expect(fake.requests.filter((r) => r.method === 'DELETE').every((r) => r.status === 202)).toBe(true);
  });

  it('prunes an agent’s older snapshots after each save when the store has a retention policy', async () => {
    const { store, deps } = await newStore({ keepLast: 2, keepDays: 0 });
    for (const seq of [1, 2, 3, 4]) await store.save(key(seq), Buffer.from(`{"seq":${seq}}`));
    expect((await listSnapshots(deps, 'acme', 'finance.reconciliation-1')).map((snapshot) => snapshot.seq)).toEqual([4, 3]);
  });

  it('a save whose pruning fails still succeeds: the checkpoint is safe, the sweep prunes later', async () => {
    const { store, deps } = await newStore({ keepLast: 1, keepDays: 0 });
    await store.save(key(1), Buffer.from('{}'));
    fake.failNext('DELETE', /\/snapshots\//, { status: 409, code: 'SnapshotBusy', message: 'The snapshot is being cloned.' });
    const saved = await store.save(key(2), Buffer.from('{"seq":2}'));
    expect(await store.load(saved.location)).toEqual(Buffer.from('{"seq":2}'));
    expect((await listSnapshots(deps, 'acme', 'finance.reconciliation-1')).map((snapshot) => snapshot.seq)).toEqual([2, 1]);
    expect(await pruneSnapshots({ ...deps, retention: { keepLast: 1, keepDays: 0 } })).toEqual({ deleted: [snapshotNameFor(key(1))], kept: 1 });
  });

  it('chooses what to prune from seq and age, sparing snapshots still being made', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const at = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);
    const snapshot = (seq: number, days: number, provisioningState = 'Succeeded') => ({ name: `s${seq}`, mark: 'm', seq, created: at(days), provisioningState });
    const chosen = snapshotsToPrune([snapshot(1, 30), snapshot(2, 20), snapshot(3, 3), snapshot(4, 10, 'Creating'), snapshot(5, 1), snapshot(6, 0)], { keepLast: 2, keepDays: 7 }, now);
    expect(chosen.map((s) => s.seq).sort()).toEqual([1, 2]);
  });

  describe('ARM errors surface as clear Temporal failures', () => {
    it('a refused request is not retried, and says what was being done and why', async () => {
      const { store, volume } = await newStore();
      fake.failNext('PUT', /\/snapshots\//, { status: 403, code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.NetApp/.../snapshots/write' });
      const refused = await failure(store.save(key(1), Buffer.from('{}')));
      expect(refused).toMatchObject({ type: 'NetAppRequestRejected', nonRetryable: true });
      expect(refused.message).toContain(`creating snapshot ${snapshotNameFor(key(1))} of volume ${volume.resourceGroup}/${volume.account}/${volume.pool}/${volume.volume}`);
      expect(refused.message).toMatch(/403 AuthorizationFailed: The client does not have authorization/);
    });

    it('a missing volume is ResourceNotFound', async () => {
      const { mountPath } = await newVolume();
      const store = createNetAppSnapshotStore({ mountPath, client, volume: { resourceGroup: 'rg-ants', account: 'anf-ants', pool: 'premium', volume: 'no-such-volume' }, polling: POLLING });
      const missing = await failure(store.save(key(1), Buffer.from('{}')));
      expect(missing).toMatchObject({ type: 'NetAppResourceNotFound', nonRetryable: true });
      expect(missing.message).toMatch(/404 ResourceNotFound/);
    });

    it('throttling and server errors are retryable', async () => {
      const { deps } = await newVolume();
      fake.failNext('GET', /\/snapshots$/, { status: 429, code: 'TooManyRequests', message: 'slow down' });
      const throttled = await failure(listSnapshots(deps, 'acme', 'finance.reconciliation-1'));
      expect(throttled).toMatchObject({ type: 'NetAppUnavailable', nonRetryable: false });
    });

    it('a long-running operation that fails reports ARM’s code and message', async () => {
      const { store } = await newStore();
      fake.failNextOperation('create-snapshot', { code: 'VolumeFull', message: 'No space left for snapshot reserve' });
      const failed = await failure(store.save(key(1), Buffer.from('{}')));
      expect(failed).toMatchObject({ type: 'NetAppOperationFailed', nonRetryable: true });
      expect(failed.message).toMatch(/VolumeFull.*No space left for snapshot reserve/);
    });

    it('restoring a checkpoint that has no snapshot fails clearly', async () => {
      const { deps } = await newVolume();
      const missing = await failure(restoreSnapshot(deps, { mode: 'new-volume', ...key(99), volumeName: 'restored-x' }));
      expect(missing).toMatchObject({ type: 'CheckpointSnapshotMissing', nonRetryable: true });
    });
  });
});
