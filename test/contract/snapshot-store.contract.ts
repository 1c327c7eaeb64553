import { writeFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, type SnapshotKey, type SnapshotStore } from '../../activities/lifecycle/snapshots.js';
import { freshTenant } from '../support/stack.js';

export interface SnapshotStoreHarness {
  store: SnapshotStore;
  /**
   * The directory the store writes under, alone inside a directory of its own: the contract checks that nothing
   * appears beside it.
   */
  root: string;
  /** Makes a saved checkpoint vanish from everywhere the store keeps it (its file, and any copy). */
  lose(location: string): Promise<void>;
}

const memory = (tenant: string, note: string) => Buffer.from(JSON.stringify({ tenant, note, facts: ['ledger closed', 'é ✓'] }));

/** What every SnapshotStore (the agent checkpoint port) must do; run against each adapter with its own harness. */
export function describeSnapshotStoreContract(name: string, make: () => Promise<SnapshotStoreHarness>): void {
  describe(`snapshot store contract: ${name}`, () => {
    it('loads back exactly the bytes it saved, with their size and sha256', async () => {
      const { store } = await make();
      const key = { tenant: freshTenant('snap'), agentId: 'finance.reconciliation-1', seq: 7 };
      const data = Buffer.concat([memory(key.tenant, 'first'), Buffer.from([0, 255, 128])]);
      const saved = await store.save(key, data);
      expect(saved).toMatchObject({ bytes: data.length, sha256: sha256(data) });
      expect(await store.load(saved.location)).toEqual(data);
    });

    it('saves the same key again idempotently: same location, same content', async () => {
      const { store } = await make();
      const key = { tenant: freshTenant('snap'), agentId: 'finance.reconciliation-1', seq: 3 };
      const data = memory(key.tenant, 'retried');
      const first = await store.save(key, data);
      const again = await store.save(key, data);
      expect(again).toEqual(first);
      expect(await store.load(again.location)).toEqual(data);
    });

    it('keeps tenants apart: the same agent and seq in two tenants are two checkpoints', async () => {
      const { store } = await make();
      const [a, b] = [freshTenant('snap-a'), freshTenant('snap-b')];
      const savedA = await store.save({ tenant: a, agentId: 'hr.onboarding-1', seq: 1 }, memory(a, 'mine'));
      const savedB = await store.save({ tenant: b, agentId: 'hr.onboarding-1', seq: 1 }, memory(b, 'theirs'));
      expect(savedA.location).not.toEqual(savedB.location);
      expect(JSON.parse((await store.load(savedA.location)).toString('utf8'))).toMatchObject({ tenant: a, note: 'mine' });
      expect(JSON.parse((await store.load(savedB.location)).toString('utf8'))).toMatchObject({ tenant: b, note: 'theirs' });
    });

    it('refuses locations outside the store', async () => {
      const { store, root } = await make();
      const outside = join(dirname(root), 'outside.json');
      await writeFile(outside, '{"secret":true}');
      for (const location of [outside, '../outside.json', `${basename(root)}/../../outside.json`]) {
        await expect(store.load(location), location).rejects.toThrow();
      }
    });

    it('refuses a location edited to walk into another tenant', async () => {
      const { store } = await make();
      const [a, b] = [freshTenant('snap-a'), freshTenant('snap-b')];
      const key = { agentId: 'hr.onboarding-1', seq: 1 };
      const savedA = await store.save({ tenant: a, ...key }, memory(a, 'mine'));
      await store.save({ tenant: b, ...key }, memory(b, 'theirs'));
      const edited = savedA.location.replace(`${a}/`, `${a}/../${b}/`);
      expect(edited).not.toEqual(savedA.location);
      await expect(store.load(edited)).rejects.toThrow();
    });

    it('refuses keys that are not identifiers, and writes nothing outside its root', async () => {
      const { store, root } = await make();
      const hostile: SnapshotKey[] = [
        { tenant: '..', agentId: 'escaped-1', seq: 1 },
        { tenant: freshTenant('snap'), agentId: '../../escaped-2', seq: 1 },
        { tenant: 'a/b', agentId: 'finance.reconciliation-1', seq: 1 },
        { tenant: freshTenant('snap'), agentId: 'finance.reconciliation-1', seq: -1 },
      ];
      for (const key of hostile) await expect(store.save(key, Buffer.from('{}')), JSON.stringify(key)).rejects.toThrow();
      expect(await readdir(dirname(root))).toEqual([basename(root)]);
    });

    it('fails clearly when a checkpoint is gone, or a location was never handed out', async () => {
      const { store, lose } = await make();
      const saved = await store.save({ tenant: freshTenant('snap'), agentId: 'finance.reconciliation-1', seq: 9 }, Buffer.from('{}'));
      await lose(saved.location);
      await expect(store.load(saved.location)).rejects.toThrow(/no such file|not found|neither|missing|ENOENT/i);
      await expect(store.load('never-handed-out')).rejects.toThrow();
    });
  });
}
