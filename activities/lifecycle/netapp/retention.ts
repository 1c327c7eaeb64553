import { z } from 'zod';

/**
 * What pruning keeps of each agent's checkpoint snapshots: its newest `keepLast`, and any younger than
 * `keepDays`. Keeping the newest few matters because a volume holds at most 255 snapshots, shared by every agent
 * on it (and by any snapshot policy).
 */
export const retentionPolicy = z.object({
  keepLast: z.number().int().min(1),
  keepDays: z.number().nonnegative(),
});
export type RetentionPolicy = z.infer<typeof retentionPolicy>;

export interface AgentSnapshot {
  name: string;
  /** Which agent: the mark in the name. */
  mark: string;
  seq: number;
  created: Date | undefined;
  provisioningState: string | undefined;
}

/**
 * The snapshots to delete. Only finished snapshots are candidates (one still being created belongs to a
 * checkpoint in progress); one without a creation time counts as new, so nothing is deleted on a guess.
 */
export function snapshotsToPrune(snapshots: AgentSnapshot[], { keepLast, keepDays }: RetentionPolicy, now: Date): AgentSnapshot[] {
  const cutoff = now.getTime() - keepDays * 24 * 3600_000;
  const byAgent = new Map<string, AgentSnapshot[]>();
  for (const snapshot of snapshots) byAgent.set(snapshot.mark, [...(byAgent.get(snapshot.mark) ?? []), snapshot]);
  return [...byAgent.values()].flatMap((agentSnapshots) =>
    agentSnapshots
      .sort((a, b) => b.seq - a.seq)
      .slice(keepLast)
      .filter((snapshot) => snapshot.provisioningState === 'Succeeded' && snapshot.created !== undefined && snapshot.created.getTime() < cutoff),
  );
}
