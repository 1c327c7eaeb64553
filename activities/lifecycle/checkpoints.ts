import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import type { CheckpointRecord, CheckpointRequest, RestoreRequest, RestoreResult } from '../../core/agents/agent.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { jsonObject } from '../../core/tasks/submission.js';
import type { Db } from '../../infra/db/pool.js';
import { sha256, type SnapshotStore } from './snapshots.js';

export interface CheckpointDeps {
  db: Db;
  snapshots: SnapshotStore;
}

/**
 * Checkpoint and restore of a sleeping agent. A checkpoint is keyed by (tenant, agent, seq): a retry after a crash
 * between the write and the record rewrites the same snapshot and records it once. Restore reads the newest
 * recorded checkpoint and checks its hash before trusting it.
 */
export function createCheckpointActivities({ db, snapshots }: CheckpointDeps) {
  return {
    async checkpointAgent(request: CheckpointRequest): Promise<CheckpointRecord> {
      heartbeat();
      const saved = await snapshots.save(request, Buffer.from(JSON.stringify(request.memory)));
      await db.query(
        `insert into agent_checkpoints (tenant_id, agent_id, seq, location, bytes, sha256) values ($1, $2, $3, $4, $5, $6)
         on conflict (tenant_id, agent_id, seq) do update set location = excluded.location, bytes = excluded.bytes, sha256 = excluded.sha256`,
        [request.tenant, request.agentId, request.seq, saved.location, saved.bytes, saved.sha256],
      );
      return { seq: request.seq, ...saved };
    },

    async restoreAgent({ tenant, agentId }: RestoreRequest): Promise<RestoreResult> {
      heartbeat();
      const latest = await db.query<{ seq: string; location: string; sha256: string }>(
        'select seq, location, sha256 from agent_checkpoints where tenant_id = $1 and agent_id = $2 order by seq desc limit 1',
        [tenant, agentId],
      );
      const row = latest.rows[0];
      if (!row) return null;
      const data = await snapshots.load(row.location);
      if (sha256(data) !== row.sha256) {
        throw ApplicationFailure.nonRetryable(`checkpoint ${row.seq} of ${agentId} does not match its recorded hash`, 'CorruptCheckpoint');
      }
      const memory = jsonObject.parse(JSON.parse(data.toString('utf8'))) as JsonObject;
      return { seq: Number(row.seq), memory };
    },
  };
}
export type CheckpointActivities = ReturnType<typeof createCheckpointActivities>;
