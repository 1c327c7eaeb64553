import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';

/**
 * The embedded PostgreSQL (+ pgvector) of the local profile: real server binaries from the `pgserver` wheel, one
 * data directory under the project's home. PostgreSQL refuses to run as root, so when we are root the server runs
 * as an unprivileged system user created for it; everything else (data, socket, log) stays inside `dir`.
 */
export interface EmbeddedPostgresOptions {
  installDir: string;
  /** Holds `data/`, `run/` (socket), `postgres.log` and the generated credentials. */
  dir: string;
  port: number;
  database: string;
}

export interface EmbeddedPostgres {
  url: string;
  /** True when this call started the server (false when one was already running on this data directory). */
  startedHere: boolean;
  stop(): Promise<void>;
}

const SERVER_USER = 'ants-pg';
const SUPERUSER = 'ants';

interface Credentials {
  user: string;
  password: string;
}

function runAsServerUser(): SpawnOptions {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const uid = ensureServerUser();
  return { uid: uid.uid, gid: uid.gid };
}

function ensureServerUser(): { uid: number; gid: number } {
  const lookup = () => spawnSync('id', ['-u', SERVER_USER], { encoding: 'utf8' });
  let found = lookup();
  if (found.status !== 0) {
    const created = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_USER], {
      encoding: 'utf8',
    });
    if (created.status !== 0 && !/already exists/.test(created.stderr)) {
      throw new Error(`cannot create the system user ${SERVER_USER} for PostgreSQL: ${created.stderr.trim()}`);
    }
    found = lookup();
  }
  const gid = spawnSync('id', ['-g', SERVER_USER], { encoding: 'utf8' });
  return { uid: Number(found.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The server user must be able to reach its data directory through every parent (search permission only). */
function ensureTraversable(path: string): void {
  let current = resolve(path);
  for (;;) {
    const parent = dirname(current);
    if (parent === current) break;
    const mode = statSync(parent).mode;
    if ((mode & constants.S_IXOTH) === 0) chmodSync(parent, mode | constants.S_IXOTH);
    current = parent;
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  spawnSync('chown', ['-R', `${uid}:${gid}`, path]);
}

function readCredentials(file: string): Credentials | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
}

function exec(bin: string, args: string[], options: SpawnOptions): void {
  const result = spawnSync(bin, args, { ...options, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed: ${(result.stderr || result.stdout || '').toString().trim()}`);
  }
}

function initCluster(opts: EmbeddedPostgresOptions, dataDir: string, asUser: SpawnOptions): Credentials {
  const credentialsFile = join(opts.dir, 'credentials.json');
  const existing = readCredentials(credentialsFile);
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    if (!existing) throw new Error(`${dataDir} exists but ${credentialsFile} is missing; remove ${opts.dir} to start afresh`);
    return existing;
  }
  const credentials: Credentials = { user: SUPERUSER, password: randomBytes(18).toString('base64url') };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = join(opts.dir, 'run', 'initdb.pw');
  writeFileSync(pwfile, credentials.password, { mode: 0o600 });
  if (asUser.uid !== undefined && asUser.gid !== undefined) chownTree(opts.dir, asUser.uid, asUser.gid);
  try {
    exec(
      join(opts.installDir, 'bin', 'initdb'),
      ['-D', dataDir, '-U', credentials.user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C'],
      asUser,
    );
  } finally {
    spawnSync('rm', ['-f', pwfile]);
  }
  writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  if (asUser.uid !== undefined) chownSync(credentialsFile, 0, 0);
  return credentials;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } catch (error) {
    // Two processes may race to create it; the loser sees "already exists", which is the outcome both wanted.
    if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = (name: string) => join(opts.installDir, 'bin', name);
  accessSync(bin('postgres'), constants.X_OK);
  const dataDir = join(opts.dir, 'data');
  const runDir = join(opts.dir, 'run');
  mkdirSync(runDir, { recursive: true });
  const asUser = runAsServerUser();
  if (asUser.uid !== undefined) ensureTraversable(opts.dir);
  const credentials = initCluster(opts, dataDir, asUser);
  if (asUser.uid !== undefined && asUser.gid !== undefined) {
    chownTree(dataDir, asUser.uid, asUser.gid);
    chownTree(runDir, asUser.uid, asUser.gid);
  }

  const urlFor = (database: string) =>
    `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${opts.port}/${database}`;
  let startedHere = false;
  if (!(await canConnect(urlFor('postgres')))) {
    const logFile = join(opts.dir, 'postgres.log');
    if (asUser.uid !== undefined && asUser.gid !== undefined) {
      writeFileSync(logFile, '', { flag: 'a' });
      chownSync(logFile, asUser.uid, asUser.gid);
    }
    const serverOptions = `-p ${opts.port} -k ${runDir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    // pg_ctl daemonizes the server: a crash of whoever started it leaves a server the next start can reuse.
    await new Promise<void>((resolvePromise, reject) => {
      const child = spawn(bin('pg_ctl'), ['-D', dataDir, '-o', serverOptions, '-l', logFile, '-w', '-t', '60', 'start'], {
        ...asUser,
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolvePromise() : reject(new Error(`PostgreSQL did not start (pg_ctl exit ${code}); see ${logFile}`)),
      );
    });
    startedHere = true;
  }
  await ensureDatabase(urlFor('postgres'), opts.database);
  return {
    url: urlFor(opts.database),
    startedHere,
    async stop() {
      const result = spawnSync(bin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { ...asUser, encoding: 'utf8' });
      if (result.status !== 0 && !/Is server running/.test(result.stderr)) {
        throw new Error(`PostgreSQL did not stop: ${result.stderr.trim()}`);
      }
    },
  };
}

/**
 * The database a command-line tool should use: DATABASE_URL when set, else the embedded server of `npm start`
 * (its generated credentials are in `<ANTS_HOME>/pg/credentials.json`).
 */
export function localDatabaseUrl(config: { DATABASE_URL?: string; antsHome: string; ANTS_PG_PORT: number }): string | undefined {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  const credentials = readCredentials(join(config.antsHome, 'pg', 'credentials.json'));
  if (!credentials) return undefined;
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${config.ANTS_PG_PORT}/ants`;
}
