import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inTransaction, type Db } from './pool.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'sql');

/** Serialises concurrent starters (every pool process migrates at start) on one advisory lock. */
const MIGRATION_LOCK = 0x616e7473; // "ants"

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies `infra/sql/NNN_name.sql` in order, all pending ones in one transaction with their bookkeeping rows, so a failed
 * migration leaves no trace and a re-run is a no-op. An applied file that was edited afterwards is an error.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const files = readdirSync(dir).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return inTransaction(db, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const done = new Map<string, string>();
    for (const row of (await client.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations')).rows) {
      done.set(row.name, row.checksum);
    }
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const file of files) {
      const sql = readFileSync(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${file} was changed after it was applied; add a new migration instead`);
        report.alreadyApplied.push(file);
        continue;
      }
      await client.query('savepoint migration');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations (name, checksum) values ($1, $2)', [file, checksum]);
        await client.query('release savepoint migration');
      } catch (error) {
        throw new Error(`migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      report.applied.push(file);
    }
    return report;
  });
}
