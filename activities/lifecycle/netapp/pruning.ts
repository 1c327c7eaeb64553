import type { Snapshot } from '@azure/arm-netapp';
import { agentMark, leafName, parseSnapshotName } from './names.js';
import { snapshotsToPrune, type AgentSnapshot, type RetentionPolicy } from './retention.js';
import { deleteSnapshot, listVolumeSnapshots, type NetAppVolumeAccess } from './snapshot-operations.js';

/** Our checkpoint snapshots on the volume; everyone else's (snapshot policies, operators) are left out. */
export async function checkpointSnapshots(access: NetAppVolumeAccess): Promise<AgentSnapshot[]> {
  return (await listVolumeSnapshots(access)).flatMap((snapshot: Snapshot) => {
    const name = leafName(snapshot.name);
    const parsed = parseSnapshotName(name);
    return parsed ? [{ name, ...parsed, created: snapshot.created, provisioningState: snapshot.provisioningState }] : [];
  });
}

export interface PruneResult {
  deleted: string[];
  kept: number;
}

/** Deletes, one at a time, the checkpoint snapshots the policy does not keep — of one agent, or of all. */
export async function pruneCheckpointSnapshots(
  access: NetAppVolumeAccess,
  retention: RetentionPolicy,
  now: Date,
  agent?: { tenant: string; agentId: string },
): Promise<PruneResult> {
  const mark = agent ? agentMark(agent.tenant, agent.agentId) : undefined;
  const candidates = (await checkpointSnapshots(access)).filter((snapshot) => mark === undefined || snapshot.mark === mark);
  const doomed = snapshotsToPrune(candidates, retention, now);
  for (const snapshot of doomed) await deleteSnapshot(access, snapshot.name);
  return { deleted: doomed.map((snapshot) => snapshot.name), kept: candidates.length - doomed.length };
}
