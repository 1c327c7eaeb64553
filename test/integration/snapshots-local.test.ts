import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createLocalSnapshotStore } from '../../activities/lifecycle/snapshots.js';
import { describeSnapshotStoreContract } from '../contract/snapshot-store.contract.js';

const sandboxes: string[] = [];
afterAll(() => Promise.all(sandboxes.map((sandbox) => rm(sandbox, { recursive: true, force: true }))));

describeSnapshotStoreContract(
  'local directory',
  async () => {
    const sandbox = await mkdtemp(join(tmpdir(), 'ants-snapshots-'));
    sandboxes.push(sandbox);
    const root = join(sandbox, 'store');
    await mkdir(root);
    return { store: createLocalSnapshotStore(root), root, lose: (location) => rm(join(root, location)) };
  },
);
