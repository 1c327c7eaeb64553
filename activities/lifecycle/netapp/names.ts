import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { snapshotKey, type SnapshotKey } from '../snapshots.js';

/**
 * How checkpoints are named on the volume and in ARM.
 *
 * A snapshot is named from its business key, so a retried save asks for the same snapshot again instead of making a
 * second one: `ants-<agent, readable>-<agent mark>-<seq>`. The mark (a hash of tenant and agent id) is what
 * identifies the agent — the readable part is cut short and may collide, and tenant ids stay out of Azure — and it
 * keeps names within 64 letters, digits, `-` and `_` whatever the ids are.
 */
const PREFIX = 'ants-';
const READABLE_LENGTH = 20;
const SNAPSHOT_NAME = /^ants-[A-Za-z0-9_-]*-([0-9a-f]{16})-(0|[1-9][0-9]{0,15})$/;
/** The checkpoint file under the volume, as the directory store lays it out: `<tenant>/<agent>/<seq, 12 digits>.json`. */
const CHECKPOINT_FILE = /^([^/]+)\/([^/]+)\/([0-9]{12,})\.json$/;
const LOCATION = /^netapp:([A-Za-z0-9_-]{1,64})\/(.+)$/;

export function agentMark(tenant: string, agentId: string): string {
  return createHash('sha256').update(`${tenant}\n${agentId}`).digest('hex').slice(0, 16);
}

export function snapshotNameFor({ tenant, agentId, seq }: SnapshotKey): string {
  const readable = agentId.replace(/[^A-Za-z0-9-]/g, '_').slice(0, READABLE_LENGTH);
  return `${PREFIX}${readable}-${agentMark(tenant, agentId)}-${seq}`;
}

/** The agent mark and seq of one of our snapshots; undefined for anyone else's (snapshot policies, operators). */
export function parseSnapshotName(name: string): { mark: string; seq: number } | undefined {
  const match = SNAPSHOT_NAME.exec(name);
  return match?.[1] && match[2] ? { mark: match[1], seq: Number(match[2]) } : undefined;
}

/** ARM names nested resources `account/pool/volume/snapshot`; the snapshot's own name is the last part. */
export function leafName(armName: string | undefined): string {
  return armName?.split('/').pop() ?? '';
}

export interface CheckpointLocation {
  key: SnapshotKey;
  snapshot: string;
  /** The file, relative to the checkpoint directory on the volume (and inside each `.snapshot/<name>/`). */
  file: string;
}

/** `netapp:<snapshot>/<tenant>/<agent>/<seq>.json`: where the live file is, and which snapshot holds a copy. */
export function formatLocation({ snapshot, file }: CheckpointLocation): string {
  return `netapp:${snapshot}/${file}`;
}

/**
 * Reads a location back, refusing anything this store did not hand out: the file must be a checkpoint file of a
 * valid key and the snapshot must be the one that key names, so a location cannot be edited to reach another
 * tenant's (or agent's) checkpoint or walk out of the checkpoint directory.
 */
export function parseLocation(location: string): CheckpointLocation {
  const outer = LOCATION.exec(location);
  const inner = outer?.[2] ? CHECKPOINT_FILE.exec(outer[2]) : null;
  const candidate = inner ? snapshotKey.safeParse({ tenant: inner[1], agentId: inner[2], seq: Number(inner[3]) }) : undefined;
  if (!outer?.[1] || !outer[2] || !candidate?.success || snapshotNameFor(candidate.data) !== outer[1]) {
    throw ApplicationFailure.nonRetryable(`not a NetApp checkpoint location: ${JSON.stringify(location.slice(0, 300))}`, 'InvalidCheckpointLocation');
  }
  return { key: candidate.data, snapshot: outer[1], file: outer[2] };
}

/** Where the directory store puts a key's file (checked against what it answers, so a layout change fails loudly). */
export function checkpointFileFor({ tenant, agentId, seq }: SnapshotKey): string {
  return `${tenant}/${agentId}/${String(seq).padStart(12, '0')}.json`;
}
