import { parseArgs } from 'node:util';
import { createApiKey, createTenant } from '../api/auth/keys.js';
import { ROLES, roleSchema } from '../api/auth/roles.js';
import { loadConfig } from '../infra/config.js';
import { createDb } from '../infra/db/pool.js';
import { localDatabaseUrl } from './stack/postgres.js';

const USAGE = `usage: npm run api-key -- --tenant <id> --role <${ROLES.join('|')}> --name <who> [--tenant-name <display name>]

Creates the tenant if needed, then an API key, and prints the key once on stdout (only its hash is stored).`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      tenant: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      'tenant-name': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

/** `npm run api-key -- --tenant acme --role approver --name alice` (DATABASE_URL, or the embedded database of `npm start`). */
async function main(): Promise<number> {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const role = roleSchema.safeParse(values.role);
  if (!values.tenant || !values.name || !role.success) {
    const problem = values.role !== undefined && !role.success ? `unknown role "${values.role}"\n` : '';
    process.stderr.write(`${problem}${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const databaseUrl = localDatabaseUrl(config);
  if (!databaseUrl) {
    process.stderr.write('no database: set DATABASE_URL, or run `npm start` once so the embedded PostgreSQL exists\n');
    return 2;
  }
  const db = createDb(databaseUrl, 1, 'ants-create-api-key');
  try {
    await createTenant(db, values.tenant, values['tenant-name'] ?? values.tenant);
    const { key, keyId } = await createApiKey(db, { tenant: values.tenant, name: values.name, role: role.data });
    // The key alone on stdout, so `KEY=$(npm run -s api-key -- …)` works; the rest is for the person.
    process.stdout.write(`${key}\n`);
    process.stderr.write(`created key ${keyId} for ${values.name} (tenant ${values.tenant}, role ${role.data}); it is not shown again\n`);
    return 0;
  } finally {
    await db.end();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
