import { ApplicationFailure } from '@temporalio/activity';
import type { NetAppManagementClient } from '@azure/arm-netapp';
import { z } from 'zod';
import { identifier } from '../../../core/tasks/submission.js';
import type { NetAppVolumeRef } from './client.js';
import { snapshotKey } from '../snapshots.js';
import { agentMark, checkpointFileFor, formatLocation, snapshotNameFor } from './names.js';
import { DEFAULT_POLLING, heartbeatingWhile, type PollingOptions } from './polling.js';
import { checkpointSnapshots, pruneCheckpointSnapshots, type PruneResult } from './pruning.js';
import { restoreToNewVolume, revertVolume, type RestoredVolume } from './restore.js';
import type { RetentionPolicy } from './retention.js';
import { getSnapshot, type NetAppVolumeAccess } from './snapshot-operations.js';

export interface NetAppSnapshotDeps {
  client: NetAppManagementClient;
  volume: NetAppVolumeRef;
  retention: RetentionPolicy;
  polling?: Partial<PollingOptions>;
}

export interface AgentSnapshotSummary {
  name: string;
  seq: number;
  created: string | null;
  provisioningState: string | null;
  /** A SnapshotStore location for this checkpoint: `load` reads it from the volume or from this snapshot. */
  location: string;
}

const agentRef = z.object({ tenant: identifier, agentId: identifier });
const volumeName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'an ARM volume name: a letter, then up to 63 letters, digits, - or _');

export const restoreSnapshotRequest = z.discriminatedUnion('mode', [
  /** A new volume holding the snapshot's data, next to the checkpoint volume: nothing on it changes. */
  snapshotKey.extend({ mode: z.literal('new-volume'), volumeName }).strict(),
  /** The checkpoint volume itself goes back to the snapshot: all tenants' later checkpoints on it are lost. */
  snapshotKey.extend({ mode: z.literal('revert-volume'), acknowledgeVolumeWideRevert: z.literal(true) }).strict(),
]);
export type RestoreSnapshotRequest = z.infer<typeof restoreSnapshotRequest>;
export type RestoreSnapshotResult = { mode: 'new-volume'; snapshot: string; volume: RestoredVolume } | { mode: 'revert-volume'; snapshot: string };

function parsed<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw ApplicationFailure.nonRetryable(`invalid ${what}: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')}`, 'InvalidRequest');
  return result.data;
}

const accessFor = ({ client, volume, polling }: NetAppSnapshotDeps): NetAppVolumeAccess => ({ client, volume, polling: { ...DEFAULT_POLLING, ...polling } });

/** An agent's checkpoint snapshots, newest first. */
export async function listSnapshots(deps: NetAppSnapshotDeps, tenant: string, agentId: string): Promise<AgentSnapshotSummary[]> {
  const agent = parsed(agentRef, { tenant, agentId }, 'agent');
  const mark = agentMark(agent.tenant, agent.agentId);
  const snapshots = (await checkpointSnapshots(accessFor(deps))).filter((snapshot) => snapshot.mark === mark);
  return snapshots
    .sort((a, b) => b.seq - a.seq)
    .map((snapshot) => ({
      name: snapshot.name,
      seq: snapshot.seq,
      created: snapshot.created?.toISOString() ?? null,
      provisioningState: snapshot.provisioningState ?? null,
      location: formatLocation({ key: { ...agent, seq: snapshot.seq }, snapshot: snapshot.name, file: checkpointFileFor({ ...agent, seq: snapshot.seq }) }),
    }));
}

/** Restores an agent's checkpoint snapshot, to a new volume or by reverting the checkpoint volume. */
export async function restoreSnapshot(deps: NetAppSnapshotDeps, input: RestoreSnapshotRequest): Promise<RestoreSnapshotResult> {
  const request = parsed(restoreSnapshotRequest, input, 'restore request');
  const access = accessFor(deps);
  const name = snapshotNameFor(request);
  const snapshot = await getSnapshot(access, name);
  if (snapshot?.provisioningState !== 'Succeeded') {
    throw ApplicationFailure.nonRetryable(`no finished snapshot ${name} for checkpoint ${request.seq} of ${request.agentId}`, 'CheckpointSnapshotMissing');
  }
  if (request.mode === 'new-volume') {
    return { mode: 'new-volume', snapshot: name, volume: await heartbeatingWhile(() => restoreToNewVolume(access, snapshot, request.volumeName), access.polling) };
  }
  await heartbeatingWhile(() => revertVolume(access, snapshot), access.polling);
  return { mode: 'revert-volume', snapshot: name };
}

/** Deletes checkpoint snapshots the retention policy does not keep: of one agent, or of every agent on the volume. */
export async function pruneSnapshots(deps: NetAppSnapshotDeps, scope?: { tenant: string; agentId: string }): Promise<PruneResult> {
  const agent = scope === undefined ? undefined : parsed(agentRef, scope, 'agent');
  const access = accessFor(deps);
  return heartbeatingWhile(() => pruneCheckpointSnapshots(access, deps.retention, new Date(), agent), access.polling);
}

/** The activities of the `integrations` pool for checkpoint snapshots, bound to their dependencies. */
export function createNetAppSnapshotActivities(deps: NetAppSnapshotDeps) {
  return {
    listSnapshots: (tenant: string, agentId: string) => listSnapshots(deps, tenant, agentId),
    restoreSnapshot: (request: RestoreSnapshotRequest) => restoreSnapshot(deps, request),
    pruneSnapshots: (scope?: { tenant: string; agentId: string }) => pruneSnapshots(deps, scope),
  };
}
export type NetAppSnapshotActivities = ReturnType<typeof createNetAppSnapshotActivities>;
