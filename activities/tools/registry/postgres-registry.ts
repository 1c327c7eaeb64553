import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { JsonObject } from '../../../core/tasks/json.js';
import { statsAfterRun, statusAfterRun } from '../../../core/tools/stats.js';
import { parseToolRef, toolId, type ToolLevel, type ToolRecord, type ToolStatus } from '../../../core/tools/tool.js';
import type { Db } from '../../../infra/db/pool.js';
import { inTenantAs } from '../../../infra/db/tenant-tx.js';
import { ToolConflict, type Registration, type RunRecorded, type ToolRegistry, type ToolSearch } from './ports.js';

export const TOOLS_ROLE = 'ants_tools';

interface ToolRow {
  tenant_id: string;
  id: string;
  name: string;
  version: number;
  description: string;
  api: string | null;
  operation_id: string | null;
  source_url: string | null;
  creator: string;
  status: ToolStatus;
  replacement_id: string | null;
  level: ToolLevel;
  entry: string;
  code: string;
  definition_sha256: string;
  input_schema: JsonObject;
  allowed_hosts: string[];
  auth_secret: string | null;
  side_effects: boolean;
  runs: number;
  successes: number;
  success_rate: number;
  avg_duration_ms: number;
  last_used_at: Date | null;
  created_at: Date;
  promoted_at: Date | null;
  deprecated_at: Date | null;
}

const toRecord = (r: ToolRow): ToolRecord => ({
  id: r.id,
  tenant: r.tenant_id,
  name: r.name,
  version: r.version,
  description: r.description,
  api: r.api,
  operationId: r.operation_id,
  sourceUrl: r.source_url,
  creator: r.creator,
  status: r.status,
  replacementId: r.replacement_id,
  level: r.level,
  entry: r.entry,
  code: r.code,
  definitionSha256: r.definition_sha256,
  inputSchema: r.input_schema,
  allowedHosts: r.allowed_hosts,
  authSecret: r.auth_secret,
  sideEffects: r.side_effects,
  stats: { runs: r.runs, successes: r.successes, successRate: r.success_rate, avgDurationMs: r.avg_duration_ms, lastUsedAt: r.last_used_at?.toISOString() ?? null },
  createdAt: r.created_at.toISOString(),
  promotedAt: r.promoted_at?.toISOString() ?? null,
  deprecatedAt: r.deprecated_at?.toISOString() ?? null,
});

/** Keys sorted at every level, so the same schema written in another order hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function definitionHash(r: Pick<Registration, 'code' | 'entry' | 'level' | 'allowedHosts' | 'inputSchema' | 'authSecret' | 'sideEffects'>): string {
  const definition = { code: r.code, entry: r.entry, level: r.level, allowedHosts: [...r.allowedHosts].sort(), inputSchema: r.inputSchema, authSecret: r.authSecret ?? null, sideEffects: r.sideEffects };
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

const SORTS: Record<NonNullable<ToolSearch['sort']>, string> = {
  usage: 'runs desc, last_used_at desc nulls last, name, version desc',
  success: 'success_rate desc, runs desc, name, version desc',
  recent: 'created_at desc, name, version desc',
};

export function createPostgresToolRegistry(db: Db): ToolRegistry {
  const asTenant = <T>(tenant: string, work: (client: pg.PoolClient) => Promise<T>) => inTenantAs(db, TOOLS_ROLE, tenant, work);

  const lockName = (client: pg.PoolClient, tenant: string, name: string) =>
    // Versions of one name are numbered one after another, so registrations of a name queue behind each other.
    client.query(`select pg_advisory_xact_lock(hashtextextended($1, 7))`, [`tools:${tenant}:${name}`]);

  return {
    register: (tenant, registration) =>
      asTenant(tenant, async (client) => {
        await lockName(client, tenant, registration.name);
        const hash = definitionHash(registration);
        const same = await client.query<ToolRow>(`select * from tools where name = $1 and definition_sha256 = $2 and status <> 'deprecated'`, [registration.name, hash]);
        if (same.rows[0]) return { tool: toRecord(same.rows[0]), created: false };
        const latest = await client.query<{ version: number | null }>('select max(version) as version from tools where name = $1', [registration.name]);
        const version = (latest.rows[0]?.version ?? 0) + 1;
        const inserted = await client.query<ToolRow>(
          `insert into tools (tenant_id, id, name, version, description, api, operation_id, creator, status, level, entry, code, definition_sha256,
                              input_schema, allowed_hosts, auth_secret, source_url, side_effects)
           values ($1, $2, $3, $4, $5, $6, $7, $8, 'testing', $9, $10, $11, $12, $13, $14, $15, $16, $17) returning *`,
          [
            tenant,
            toolId(registration.name, version),
            registration.name,
            version,
            registration.description,
            registration.api ?? null,
            registration.operationId ?? null,
            registration.creator,
            registration.level,
            registration.entry,
            registration.code,
            hash,
            JSON.stringify(registration.inputSchema),
            registration.allowedHosts,
            registration.authSecret ?? null,
            registration.sourceUrl ?? null,
            registration.sideEffects,
          ],
        );
        return { tool: toRecord(inserted.rows[0] as ToolRow), created: true };
      }),

    get: (tenant, id) =>
      asTenant(tenant, async (client) => {
        const found = await client.query<ToolRow>('select * from tools where id = $1', [id]);
        return found.rows[0] ? toRecord(found.rows[0]) : undefined;
      }),

    resolve: (tenant, ref) =>
      asTenant(tenant, async (client) => {
        const { name, version } = parseToolRef(ref);
        const found =
          version !== undefined
            ? await client.query<ToolRow>('select * from tools where name = $1 and version = $2', [name, version])
            : await client.query<ToolRow>(
                `select * from tools where name = $1
                 order by case status when 'active' then 0 when 'testing' then 1 else 2 end, version desc limit 1`,
                [name],
              );
        return found.rows[0] ? toRecord(found.rows[0]) : undefined;
      }),

    search: (tenant, query) =>
      asTenant(tenant, async (client) => {
        const where: string[] = [];
        const values: unknown[] = [];
        const add = (clause: (n: number) => string, value: unknown) => {
          values.push(value);
          where.push(clause(values.length));
        };
        if (query.name) add((n) => `name ilike $${n}`, `%${escapeLike(query.name)}%`);
        if (query.api) add((n) => `api = $${n}`, query.api);
        if (query.sourceUrl) add((n) => `source_url = $${n}`, query.sourceUrl);
        if (query.authSecret !== undefined) add((n) => `auth_secret is not distinct from $${n}`, query.authSecret);
        if (query.creator) add((n) => `creator = $${n}`, query.creator);
        if (query.status) add((n) => `status = $${n}`, query.status);
        if (query.level) add((n) => `level = $${n}`, query.level);
        values.push(query.limit ?? 50);
        const found = await client.query<ToolRow>(
          `select * from tools ${where.length ? `where ${where.join(' and ')}` : ''} order by ${SORTS[query.sort ?? 'usage']} limit $${values.length}`,
          values,
        );
        return found.rows.map(toRecord);
      }),

    recordRun: (tenant, run) =>
      asTenant(tenant, async (client): Promise<RunRecorded> => {
        const locked = await client.query<ToolRow>('select * from tools where id = $1 for update', [run.toolId]);
        const row = locked.rows[0];
        if (!row) throw new ToolConflict(`no tool ${run.toolId}`);
        const inserted = await client.query(
          'insert into tool_runs (tenant_id, run_id, tool_id, ok, duration_ms, error) values ($1, $2, $3, $4, $5, $6) on conflict do nothing',
          [tenant, run.runId, run.toolId, run.ok, Math.max(0, Math.round(run.durationMs)), run.error?.slice(0, 2000) ?? null],
        );
        if (inserted.rowCount === 0) return { tool: toRecord(row), recorded: false, promoted: false };
        const before = toRecord(row);
        const stats = statsAfterRun(before.stats, { ok: run.ok, durationMs: run.durationMs, at: new Date().toISOString() });
        const status = statusAfterRun(before.status, stats);
        const promoted = status !== before.status;
        const updated = await client.query<ToolRow>(
          `update tools set runs = $2, successes = $3, success_rate = $4, avg_duration_ms = $5, last_used_at = now(), status = $6,
                  promoted_at = case when $7 then now() else promoted_at end
           where id = $1 returning *`,
          [run.toolId, stats.runs, stats.successes, stats.successRate, stats.avgDurationMs, status, promoted],
        );
        return { tool: toRecord(updated.rows[0] as ToolRow), recorded: true, promoted };
      }),

    deprecate: (tenant, id, replacementId) =>
      asTenant(tenant, async (client) => {
        const found = await client.query<ToolRow>('select * from tools where id = $1 for update', [id]);
        const row = found.rows[0];
        if (!row) throw new ToolConflict(`no tool ${id}`);
        if (replacementId !== null) {
          if (replacementId === id) throw new ToolConflict('a tool cannot replace itself');
          const replacement = await client.query<ToolRow>('select * from tools where id = $1', [replacementId]);
          const target = replacement.rows[0];
          if (!target) throw new ToolConflict(`no replacement tool ${replacementId}`);
          if (target.status === 'deprecated') throw new ToolConflict(`the replacement ${replacementId} is deprecated itself`);
        }
        if (row.status === 'deprecated' && row.replacement_id === replacementId) return toRecord(row);
        const updated = await client.query<ToolRow>(
          `update tools set status = 'deprecated', replacement_id = $2, deprecated_at = coalesce(deprecated_at, now()) where id = $1 returning *`,
          [id, replacementId],
        );
        return toRecord(updated.rows[0] as ToolRow);
      }),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
