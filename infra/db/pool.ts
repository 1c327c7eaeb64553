import pg from 'pg';

export type Db = pg.Pool;

/** One pool per process; each pool sizes its connections to its own budget (see ANTS_DB_POOL_SIZE). */
export function createDb(url: string, max: number, applicationName: string): Db {
  const pool = new pg.Pool({ connectionString: url, max, application_name: applicationName, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (e.g. a database restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction, rolled back on any error so nothing is ever half-written. `settings` (SQL made from
 * the client, so it can quote literals with the connection's own rules) runs with the BEGIN in one round trip.
 */
export async function inTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>, settings?: (client: pg.PoolClient) => string): Promise<T> {
  const client = await db.connect();
  try {
    await client.query(settings ? `begin; ${settings(client)}` : 'begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
