import type pg from 'pg';
import type { z } from 'zod';
import { parseInput } from '../../core/validation.js';
import { currentStrength, reinforce as reinforceTrail, type PheromoneType } from '../../core/swarm/pheromones.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';
import { listen } from '../../infra/db/listen.js';
import { depositInput, detectQuery, type DepositInput, type DetectQuery, type Pheromone, type PheromoneField, type PheromoneNotice } from './ports.js';

/** The role swarm activities act as: row-level security keeps each tenant's field to itself. */
export const SWARM_ROLE = 'ants_swarm';
/** Sees which tenants have live trails of a type, and no trail's content (infra/sql/014). */
const WATCH_ROLE = 'ants_swarm_watch';
const CHANNEL = 'ants_pheromones';
/** Live trails read per detection before evaporation is applied; a location holds far fewer. */
const DETECT_SCAN_LIMIT = 5000;

interface Row {
  id: string;
  tenant_id: string;
  type: PheromoneType;
  location: string;
  depositor: string;
  strength: number;
  deposited_at: Date;
  expires_at: Date;
  data: JsonObject;
}

function toPheromone(row: Row, now: number): Pheromone {
  const trail = { strength: row.strength, depositedAt: row.deposited_at.getTime(), expiresAt: row.expires_at.getTime() };
  return {
    id: String(row.id),
    tenant: row.tenant_id,
    type: row.type,
    location: row.location,
    depositor: row.depositor,
    strength: row.strength,
    current: Math.round(currentStrength(trail, now) * 10_000) / 10_000,
    depositedAt: row.deposited_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    data: row.data,
  };
}

/**
 * Writes one trail: a new one as given, an existing one combined by `merge` (evaporation applied first, in TS, by the
 * same functions every reader uses). The existing row is locked, so concurrent deposits at one place add up.
 */
async function writeTrail(client: pg.PoolClient, input: z.output<typeof depositInput>, now: number, merge: 'refresh' | 'reinforce'): Promise<Row> {
  const inserted = await client.query<Row>(
    `insert into pheromones (tenant_id, type, location, depositor, strength, deposited_at, expires_at, data)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (tenant_id, type, location, depositor) do nothing returning *`,
    [input.tenant, input.type, input.location, input.depositor, input.strength, new Date(now), new Date(now + input.ttlMs), JSON.stringify(input.data)],
  );
  if (inserted.rows[0]) return inserted.rows[0];
  const existing = (
    await client.query<Row>('select * from pheromones where tenant_id = $1 and type = $2 and location = $3 and depositor = $4 for update', [input.tenant, input.type, input.location, input.depositor])
  ).rows[0];
  if (!existing) throw new Error('pheromone trail vanished while it was being written');
  const trail = { type: existing.type, location: existing.location, strength: existing.strength, depositedAt: existing.deposited_at.getTime(), expiresAt: existing.expires_at.getTime() };
  const live = currentStrength(trail, now) > 0;
  const next =
    merge === 'reinforce' && live
      ? reinforceTrail(trail, { strength: input.strength, ttlMs: input.ttlMs }, now)
      : { ...trail, strength: live ? Math.max(currentStrength(trail, now), input.strength) : input.strength, depositedAt: now, expiresAt: now + input.ttlMs };
  const updated = await client.query<Row>(
    'update pheromones set strength = $2, deposited_at = $3, expires_at = $4, data = $5 where id = $1 returning *',
    [existing.id, next.strength, new Date(next.depositedAt), new Date(next.expiresAt), JSON.stringify(input.data)],
  );
  const row = updated.rows[0];
  if (!row) throw new Error('pheromone trail vanished while it was being written');
  return row;
}

export function createPostgresPheromoneField(db: Db, clock: () => number = Date.now): PheromoneField {
  const write = async (raw: DepositInput, merge: 'refresh' | 'reinforce') => {
    const input = parseInput(depositInput, raw, 'pheromone');
    const now = clock();
    return inTenantAs(db, SWARM_ROLE, input.tenant, async (client) => toPheromone(await writeTrail(client, input, now, merge), now));
  };
  return {
    deposit: (input) => write(input, 'refresh'),
    reinforce: (input) => write(input, 'reinforce'),

    async detect(raw: DetectQuery): Promise<Pheromone[]> {
      const query = parseInput(detectQuery, raw, 'pheromone query');
      const now = clock();
      const rows = await inTenantAs(db, SWARM_ROLE, query.tenant, async (client) =>
        (
          await client.query<Row>(
            `select * from pheromones
             where tenant_id = $1 and expires_at > $2 and ($3::text[] is null or type = any($3)) and ($4::text is null or location = $4)
               and ($6::text[] is null or depositor = any($6))
             order by strength desc limit $5`,
            [query.tenant, new Date(now), query.types ?? null, query.location ?? null, DETECT_SCAN_LIMIT, query.depositors ?? null],
          )
        ).rows,
      );
      return rows
        .map((row) => toPheromone(row, now))
        .filter((p) => p.current > 0 && p.current >= query.minStrength)
        .sort((a, b) => b.current - a.current || a.id.localeCompare(b.id))
        .slice(0, query.limit);
    },

    async withdraw({ tenant, type, location, depositor }) {
      const result = await inTenantAs(db, SWARM_ROLE, tenant, (client) =>
        client.query('delete from pheromones where tenant_id = $1 and type = $2 and location = $3 and depositor = $4', [tenant, type, location, depositor]),
      );
      return (result.rowCount ?? 0) > 0;
    },

    async expire(tenant: string): Promise<number> {
      if (!tenant) throw new Error('expire needs a tenant: the field is row-secured per tenant');
      const result = await inTenantAs(db, SWARM_ROLE, tenant, (client) => client.query('delete from pheromones where tenant_id = $1 and expires_at <= $2', [tenant, new Date(clock())]));
      return result.rowCount ?? 0;
    },

    async tenantsWith(type: PheromoneType): Promise<string[]> {
      return inTransaction(db, async (client) => {
        await client.query(`select set_config('role', $1, true)`, [WATCH_ROLE]);
        const rows = await client.query<{ tenant_id: string }>('select distinct tenant_id from pheromones where type = $1 and expires_at > $2 order by tenant_id', [type, new Date(clock())]);
        return rows.rows.map((r) => r.tenant_id);
      });
    },

    async subscribe(handler: (notice: PheromoneNotice) => void): Promise<() => Promise<void>> {
      return listen(db, CHANNEL, (payload) => {
        const parsed = JSON.parse(payload) as { tenant: string; id: number; type: PheromoneType; location: string };
        handler({ tenant: parsed.tenant, id: String(parsed.id), type: parsed.type, location: parsed.location });
      });
    },
  };
}
