import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { identifier } from '../../core/tasks/submission.js';

/**
 * The snapshot port: where agent checkpoints are kept. The local adapter writes a file per checkpoint under the
 * ANTS home directory; the Azure adapter (Azure NetApp Files snapshots) implements the same two calls.
 */
export interface SnapshotStore {
  readonly kind: string;
  /** Stores the bytes under (tenant, agent, seq). Writing the same key again replaces it with the same content. */
  save(key: SnapshotKey, data: Buffer): Promise<SavedSnapshot>;
  load(location: string): Promise<Buffer>;
}

export interface SnapshotKey {
  tenant: string;
  agentId: string;
  seq: number;
}

export interface SavedSnapshot {
  location: string;
  bytes: number;
  sha256: string;
}

export const snapshotKey = z.object({ tenant: identifier, agentId: identifier, seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });

/** Refuses keys that are not identifiers: they become directory names under a root every tenant shares. */
export function checkedKey(key: SnapshotKey): SnapshotKey {
  const parsed = snapshotKey.safeParse(key);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`not a checkpoint key: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, 'InvalidCheckpointKey');
  }
  return parsed.data;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Directory snapshots: `<root>/<tenant>/<agent id>/<seq>.json`, written to a temporary file, flushed to disk and
 * renamed, so a crash mid-write leaves either the old checkpoint or the new one, never half of one. Locations are
 * relative to the root, so the root can move.
 */
export function createLocalSnapshotStore(root: string): SnapshotStore {
  const base = resolve(root);
  const inside = (location: string) => {
    // A location is handed out relative and without parent steps; an edited one must not reach another tenant's files.
    if (isAbsolute(location) || location.split(/[\\/]/).includes('..')) throw new Error('not a snapshot location of this store');
    const path = resolve(base, location);
    if (path !== base && !path.startsWith(base + sep)) throw new Error('snapshot location outside the snapshot directory');
    return path;
  };
  return {
    kind: 'local-directory',
    async save(key, data) {
      const { tenant, agentId, seq } = checkedKey(key);
      const path = join(base, tenant, agentId, `${String(seq).padStart(12, '0')}.json`);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
      return { location: relative(base, path), bytes: data.length, sha256: sha256(data) };
    },
    async load(location) {
      return readFile(inside(location));
    },
  };
}
