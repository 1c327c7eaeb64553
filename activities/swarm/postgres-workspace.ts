import type pg from 'pg';
import { refuseReview, refuseWork, statusAfterReview, type ArtifactStatus } from '../../core/swarm/stigmergy.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { parseInput } from '../../core/validation.js';
import { listen } from '../../infra/db/listen.js';
import type { Db } from '../../infra/db/pool.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';
import { SWARM_ROLE } from './postgres-field.js';
import {
  artifactChange,
  artifactDraft,
  artifactReview,
  workClaim,
  WorkspaceConflict,
  type Artifact,
  type ArtifactEvent,
  type Workspace,
} from './ports.js';

const CHANNEL = 'ants_artifacts';

interface ArtifactRow {
  tenant_id: string;
  id: string;
  kind: string;
  title: string;
  content: JsonObject;
  status: ArtifactStatus;
  version: number;
  continue_capability: string;
  review_capability: string;
  created_by: string;
  last_editor: string;
  claimed_by: string | null;
  claimed_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface EventRow {
  id: string;
  artifact_id: string;
  version: number;
  kind: ArtifactEvent['kind'];
  actor: string;
  status: ArtifactStatus;
  details: JsonObject;
  at: Date;
}

const toArtifact = (r: ArtifactRow): Artifact => ({
  tenant: r.tenant_id,
  id: r.id,
  kind: r.kind,
  title: r.title,
  content: r.content,
  status: r.status,
  version: r.version,
  continueCapability: r.continue_capability,
  reviewCapability: r.review_capability,
  createdBy: r.created_by,
  lastEditor: r.last_editor,
  claimedBy: r.claimed_by,
  claimedUntil: r.claimed_until?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const toEvent = (r: EventRow): ArtifactEvent => ({ id: String(r.id), artifactId: r.artifact_id, version: r.version, kind: r.kind, actor: r.actor, status: r.status, details: r.details, at: r.at.toISOString() });

async function recordEvent(client: pg.PoolClient, a: ArtifactRow, kind: ArtifactEvent['kind'], actor: string, details: JsonObject = {}): Promise<void> {
  await client.query('insert into artifact_events (tenant_id, artifact_id, version, kind, actor, status, details) values ($1, $2, $3, $4, $5, $6, $7)', [
    a.tenant_id,
    a.id,
    a.version,
    kind,
    actor,
    a.status,
    JSON.stringify(details),
  ]);
}

/** The artifact under a row lock, with a claim that has run out treated as no claim. */
async function lockArtifact(client: pg.PoolClient, tenant: string, id: string): Promise<ArtifactRow> {
  const row = (await client.query<ArtifactRow>('select * from artifacts where tenant_id = $1 and id = $2 for update', [tenant, id])).rows[0];
  if (!row) throw new WorkspaceConflict(`no artifact ${id}`);
  if (row.claimed_until && row.claimed_until.getTime() <= Date.now()) return { ...row, claimed_by: null, claimed_until: null };
  return row;
}

/**
 * The workspace in Postgres. Picking up is `FOR UPDATE SKIP LOCKED` on the oldest fitting artifact, so many agents
 * looking at once each get a different one; every change and its event are one transaction.
 */
export function createPostgresWorkspace(db: Db): Workspace {
  const inTenant = <T>(tenant: string, work: (client: pg.PoolClient) => Promise<T>) => inTenantAs(db, SWARM_ROLE, tenant, work);

  const pickUp = async (raw: Parameters<Workspace['pickUpWork']>[0], mode: 'work' | 'review'): Promise<Artifact | null> => {
    const claim = parseInput(workClaim, raw, mode === 'work' ? 'pick up work' : 'pick up a review');
    return inTenant(claim.tenant, async (client) => {
      const found = await client.query<ArtifactRow>(
        mode === 'work'
          ? `select * from artifacts where tenant_id = $1 and status = 'incomplete' and continue_capability = any($2)
               and (claimed_by is null or claimed_until <= now() or claimed_by = $3)
             order by updated_at limit 1 for update skip locked`
          : `select * from artifacts where tenant_id = $1 and status = 'needs_review' and review_capability = any($2) and last_editor <> $3
               and (claimed_by is null or claimed_until <= now() or claimed_by = $3)
             order by updated_at limit 1 for update skip locked`,
        [claim.tenant, claim.capabilities, claim.agentId],
      );
      const row = found.rows[0];
      if (!row) return null;
      const held = await client.query<ArtifactRow>(
        `update artifacts set claimed_by = $3, claimed_until = now() + make_interval(secs => $4::float8 / 1000) where tenant_id = $1 and id = $2 returning *`,
        [claim.tenant, row.id, claim.agentId, claim.leaseMs],
      );
      const updated = held.rows[0];
      if (!updated) throw new Error(`artifact ${row.id} vanished while being picked up`);
      await recordEvent(client, updated, 'claimed', claim.agentId, { for: mode, leaseMs: claim.leaseMs });
      return toArtifact(updated);
    });
  };

  return {
    async create(raw) {
      const draft = parseInput(artifactDraft, raw, 'artifact');
      return inTenant(draft.tenant, async (client) => {
        const inserted = await client.query<ArtifactRow>(
          `insert into artifacts (tenant_id, id, kind, title, content, status, continue_capability, review_capability, created_by, last_editor)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) on conflict do nothing returning *`,
          [draft.tenant, draft.id, draft.kind, draft.title, JSON.stringify(draft.content), draft.status, draft.continueCapability, draft.reviewCapability ?? draft.continueCapability, draft.createdBy],
        );
        const row = inserted.rows[0];
        if (row) {
          await recordEvent(client, row, 'created', draft.createdBy, { kind: draft.kind });
          return toArtifact(row);
        }
        const existing = (await client.query<ArtifactRow>('select * from artifacts where tenant_id = $1 and id = $2', [draft.tenant, draft.id])).rows[0];
        if (!existing || existing.created_by !== draft.createdBy) throw new WorkspaceConflict(`artifact ${draft.id} already exists`);
        return toArtifact(existing);
      });
    },

    pickUpWork: (claim) => pickUp(claim, 'work'),
    pickUpReview: (claim) => pickUp(claim, 'review'),

    async save(raw) {
      const change = parseInput(artifactChange, raw, 'artifact change');
      return inTenant(change.tenant, async (client) => {
        const current = await lockArtifact(client, change.tenant, change.id);
        const refusal = refuseWork(toFacts(current), change.agentId, change.expectedVersion);
        if (refusal) throw new WorkspaceConflict(`${change.agentId} cannot change ${change.id}: ${refusal}`);
        const saved = await client.query<ArtifactRow>(
          `update artifacts set content = $3, status = $4, version = version + 1, last_editor = $5, claimed_by = null, claimed_until = null, updated_at = now()
           where tenant_id = $1 and id = $2 returning *`,
          [change.tenant, change.id, JSON.stringify(change.content), change.status, change.agentId],
        );
        const row = saved.rows[0];
        if (!row) throw new Error(`artifact ${change.id} vanished while being saved`);
        await recordEvent(client, row, change.status === 'needs_review' ? 'submitted' : 'updated', change.agentId);
        return toArtifact(row);
      });
    },

    async review(raw) {
      const review = parseInput(artifactReview, raw, 'artifact review');
      return inTenant(review.tenant, async (client) => {
        const current = await lockArtifact(client, review.tenant, review.id);
        const refusal = refuseReview(toFacts(current), review.agentId, review.expectedVersion);
        if (refusal) throw new WorkspaceConflict(`${review.agentId} cannot review ${review.id}: ${refusal}`);
        const reviewed = await client.query<ArtifactRow>(
          `update artifacts set status = $3, version = version + 1, claimed_by = null, claimed_until = null, updated_at = now()
           where tenant_id = $1 and id = $2 returning *`,
          [review.tenant, review.id, statusAfterReview(review.verdict)],
        );
        const row = reviewed.rows[0];
        if (!row) throw new Error(`artifact ${review.id} vanished while being reviewed`);
        await recordEvent(client, row, review.verdict === 'approve' ? 'approved' : 'changes_requested', review.agentId, { comment: review.comment });
        return toArtifact(row);
      });
    },

    async release({ tenant, id, agentId }) {
      await inTenant(tenant, async (client) => {
        const current = await lockArtifact(client, tenant, id);
        if (current.claimed_by !== agentId) return;
        const released = await client.query<ArtifactRow>('update artifacts set claimed_by = null, claimed_until = null where tenant_id = $1 and id = $2 returning *', [tenant, id]);
        const row = released.rows[0];
        if (row) await recordEvent(client, row, 'released', agentId);
      });
    },

    async get(tenant, id) {
      return inTenant(tenant, async (client) => {
        const row = (await client.query<ArtifactRow>('select * from artifacts where tenant_id = $1 and id = $2', [tenant, id])).rows[0];
        if (!row) return null;
        const events = await client.query<EventRow>('select * from artifact_events where tenant_id = $1 and artifact_id = $2 order by id', [tenant, id]);
        return { artifact: toArtifact(row), events: events.rows.map(toEvent) };
      });
    },

    async list(tenant, query) {
      return inTenant(tenant, async (client) => {
        const rows = await client.query<ArtifactRow>(
          'select * from artifacts where tenant_id = $1 and ($2::text is null or status = $2) order by updated_at desc limit $3',
          [tenant, query.status ?? null, Math.min(Math.max(query.limit ?? 100, 1), 1000)],
        );
        return rows.rows.map(toArtifact);
      });
    },

    subscribe(handler) {
      return listen(db, CHANNEL, (payload) => handler(JSON.parse(payload) as Parameters<typeof handler>[0]));
    },
  };
}

function toFacts(row: ArtifactRow) {
  return { status: row.status, version: row.version, continueCapability: row.continue_capability, reviewCapability: row.review_capability, lastEditor: row.last_editor, claimedBy: row.claimed_by };
}
