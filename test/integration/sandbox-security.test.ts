/**
 * Escape and abuse attempts against the tool sandbox. Every attempt asserts two
 * things: that it was contained (a specific error code, or output proving it was
 * harmless) and that the next call on the same Sandbox still works.
 *
 * Networking is real (node:http servers on 127.0.0.1, random ports); DNS is the
 * injectable resolver, so "a public name that resolves to an internal address" is
 * tested without any internet access.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../../activities/tools/sandbox/sandbox.js';
import type { ResolvedAddress } from '../../activities/tools/sandbox/http-policy.js';
import type { SandboxErrorCode, SandboxRequest, SandboxResult } from '../../activities/tools/sandbox/types.js';

const MiB = 1024 * 1024;
const SECRET_VALUE = 'Bearer sk-live-SEKRET-7f3a9c';

// ---------------------------------------------------------------------------
// Fixtures: two local HTTP servers, a data directory, a scratch root.
// ---------------------------------------------------------------------------

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
}

/** Requests each server saw, so tests can assert what reached (or never reached) it. */
const receivedByA: Received[] = [];
const receivedByB: Received[] = [];
let serverA: Server;
let serverB: Server;
let A = ''; // http://127.0.0.1:<a>  allow-listed and in privateOrigins; the secret's origin
let B = ''; // http://127.0.0.1:<b>  never in privateOrigins
let portA = 0;
let portB = 0;
/** https://127.0.0.1:<c> with a self-signed certificate, in privateOrigins; empty if openssl is unavailable. */
let C = '';
let serverC: Server | undefined;

function startServer(received: Received[], routes: (path: string) => { status: number; headers?: Record<string, string>; body?: string } | 'hang'): Promise<Server> {
  const server = createServer((request, response) => {
    received.push({ path: request.url ?? '', headers: request.headers });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      if (path.startsWith('/echo')) {
        // Echoes everything but header values: a test asserts the secret is not reflected by the sandbox itself.
        response.setHeader('content-type', 'application/json');
        response.setHeader('X-Custom-Header', 'Yes');
        response.end(JSON.stringify({ method: request.method, path, headerNames: Object.keys(request.headers).sort(), contentType: request.headers['content-type'] ?? null, body: Buffer.concat(chunks).toString('utf8') }));
        return;
      }
      const route = routes(path);
      if (route === 'hang') return; // never answers
      response.writeHead(route.status, route.headers);
      response.end(route.body ?? '');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function routesOfA(path: string): { status: number; headers?: Record<string, string>; body?: string } | 'hang' {
  const redirect = (location: string): { status: number; headers: Record<string, string> } => ({ status: 302, headers: { location } });
  if (path === '/json') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' };
  if (path === '/text') return { status: 200, body: 'not json' };
  if (path === '/missing') return { status: 404, body: 'nope' };
  if (path === '/big') return { status: 200, body: 'x'.repeat(2 * MiB) };
  if (path === '/one-mib') return { status: 200, body: 'y'.repeat(MiB - 100) };
  if (path === '/hang') return 'hang';
  if (path === '/to-b') return redirect(`${B}/echo`);
  if (path === '/to-rebind') return redirect(`http://api.rebind.test:${portB}/echo`);
  if (path === '/to-metadata') return redirect('http://169.254.169.254/latest/meta-data/');
  if (path === '/to-private-alias') return redirect(`http://api.private.test:${portA}/echo`);
  if (path === '/to-file') return redirect('file:///etc/passwd');
  if (path === '/loop') return redirect('/loop');
  const hops = /^\/chain\/(\d+)$/.exec(path);
  if (hops !== null) return Number(hops[1]) === 0 ? { status: 200, body: 'end of chain' } : redirect(`/chain/${Number(hops[1]) - 1}`);
  return { status: 404, body: '' };
}

/** An HTTPS server whose certificate nobody trusts; undefined where openssl is not installed. */
function startSelfSignedServer(directory: string): Server | undefined {
  const key = join(directory, 'key.pem');
  const cert = join(directory, 'cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_request, response) => response.end('tls reached'));
}

/** The injectable resolver: names of our choosing, anything else does not exist. */
const DNS: Record<string, ResolvedAddress[]> = {
  'api.rebind.test': [{ address: '127.0.0.1', family: 4 }],
  'api.private.test': [{ address: '127.0.0.1', family: 4 }],
  'api.metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'api.mixed.test': [{ address: '192.0.2.10', family: 4 }, { address: '10.1.2.3', family: 4 }],
  'api.v6local.test': [{ address: 'fd00::1', family: 6 }],
  'api.public.test': [{ address: '192.0.2.10', family: 4 }],
};

/** Internal addresses in every range the policy must refuse, each behind a public-looking name. */
const INTERNAL_ADDRESSES = [
  '10.0.0.1', '172.16.5.4', '192.168.1.1', '100.64.0.1', '127.8.8.8', '169.254.169.254', '0.0.0.0', '192.0.0.8', '198.18.0.1', '224.0.0.1', '255.255.255.255',
  '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::7f00:1', '2002:7f00:1::1', '2001::1', 'ff02::1',
];
INTERNAL_ADDRESSES.forEach((address, index) => {
  DNS[`internal-${index}.example.com`] = [{ address, family: address.includes(':') ? 6 : 4 }];
});

async function resolveHost(hostname: string): Promise<ResolvedAddress[]> {
  const answer = DNS[hostname];
  if (answer === undefined) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
  return answer;
}

let dataDir = '';
let outsideDir = '';
let scratchRoot = '';
let sandbox: Sandbox;

beforeAll(async () => {
  serverA = await startServer(receivedByA, routesOfA);
  serverB = await startServer(receivedByB, () => ({ status: 200, body: 'B reached' }));
  portA = (serverA.address() as AddressInfo).port;
  portB = (serverB.address() as AddressInfo).port;
  A = `http://127.0.0.1:${portA}`;
  B = `http://127.0.0.1:${portB}`;

  const base = mkdtempSync(join(tmpdir(), 'sandbox-security-'));
  serverC = startSelfSignedServer(base);
  if (serverC !== undefined) {
    const server = serverC;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    C = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  dataDir = join(base, 'data');
  outsideDir = join(base, 'outside');
  scratchRoot = join(base, 'scratch');
  mkdirSync(join(dataDir, 'reports'), { recursive: true });
  mkdirSync(outsideDir);
  writeFileSync(join(dataDir, 'hello.txt'), 'hello from data');
  writeFileSync(join(dataDir, 'reports', 'q1.json'), '{"revenue":42}');
  writeFileSync(join(dataDir, 'large.bin'), 'z'.repeat(200 * 1024));
  writeFileSync(join(outsideDir, 'private.txt'), 'OUTSIDE-CONFIDENTIAL');
  symlinkSync(join(outsideDir, 'private.txt'), join(dataDir, 'link-to-outside.txt'));
  symlinkSync(outsideDir, join(dataDir, 'linked-dir'));

  sandbox = createSandbox({
    threads: 2,
    wallClockGraceMs: 300,
    privateOrigins: [A, `http://api.private.test:${portA}`, ...(C ? [C] : [])],
    resolveHost,
    secrets: (name) => (name === 'billing' ? { origins: [A], header: 'Authorization', value: SECRET_VALUE } : undefined),
    maxResponseBytes: 1 * MiB,
    dataDir,
    scratchRoot,
    scratchQuotaBytes: 1 * MiB,
    maxFileBytes: 64 * 1024,
  });
});

afterAll(async () => {
  await sandbox.close();
  serverA.closeAllConnections();
  serverB.closeAllConnections();
  serverA.close();
  serverB.close();
  serverC?.close();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function run(code: string, extra: Partial<SandboxRequest> = {}): Promise<SandboxResult> {
  return sandbox.run({ code, input: null, ...extra });
}

function outputOf(result: SandboxResult): unknown {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.output;
}

function expectFailure(result: SandboxResult, code: SandboxErrorCode, message?: RegExp): void {
  if (result.ok) throw new Error(`expected ${code}, got output ${JSON.stringify(result.output)}`);
  expect(result.error.code).toBe(code);
  if (message !== undefined) expect(result.error.message).toMatch(message);
}

/** The same Sandbox still runs ordinary code (and its HTTP client) correctly after an attack. */
async function expectHealthy(): Promise<void> {
  const plain = await run('function main(x) { return { answer: x + 1, leaked: typeof globalThis.leaked, polluted: ({}).polluted === undefined ? "clean" : "polluted" } }', { input: 41 });
  expect(outputOf(plain)).toEqual({ answer: 42, leaked: 'undefined', polluted: 'clean' });
}

/** Runs an attack, lets `check` assert containment, then asserts the sandbox is healthy. */
async function expectContainedThenHealthy(attack: Promise<SandboxResult>, check: (result: SandboxResult) => void): Promise<SandboxResult> {
  const result = await attack;
  check(result);
  expect(JSON.stringify(result)).not.toContain(SECRET_VALUE);
  await expectHealthy();
  return result;
}

/** Guest code that makes one request and reports how it failed (or that it got through). */
function probe(url: string, options: Record<string, unknown> = {}): string {
  return `async function main() {
    try {
      const response = await http.request(Object.assign({ method: 'GET', url: ${JSON.stringify(url)} }, ${JSON.stringify(options)}));
      return { reached: true, status: response.status, body: response.body.slice(0, 200) };
    } catch (error) {
      return { reached: false, code: error.code, message: String(error.message), guestError: error instanceof Error };
    }
  }`;
}

function refusedWith(code: string): (result: SandboxResult) => void {
  return (result) => {
    const output = outputOf(result) as { reached: boolean; code?: string; guestError?: boolean; message?: string };
    expect(output).toMatchObject({ reached: false, code, guestError: true });
  };
}

// ---------------------------------------------------------------------------
// Ambient authority and constructor chains
// ---------------------------------------------------------------------------

describe('ambient authority', () => {
  it('1. finds no process, require, module, Deno/Bun/std/os or timers', async () => {
    const code = `function main() {
      const names = ['process', 'require', 'module', 'exports', '__dirname', 'Deno', 'Bun', 'std', 'os', 'fetch', 'XMLHttpRequest', 'WebSocket', 'setTimeout', 'setInterval', 'queueMicrotask', 'Worker', 'SharedArrayBuffer', 'Atomics', 'send', 'emit', 'invoke'];
      const found = {};
      for (const n of names) found[n] = typeof globalThis[n];
      return found;
    }`;
    await expectContainedThenHealthy(run(code), (result) => {
      const found = outputOf(result) as Record<string, string>;
      for (const [name, kind] of Object.entries(found)) {
        if (name === 'SharedArrayBuffer' || name === 'Atomics') continue; // part of the language, no host reach
        expect(kind, name).toBe('undefined');
      }
    });
  });

  it('2. globalThis at RESTRICTED holds only the language plus console and http', async () => {
    const code = 'function main() { return Object.getOwnPropertyNames(globalThis).filter((n) => !/^[A-Z]/.test(n)).sort() }';
    await expectContainedThenHealthy(run(code), (result) => {
      const names = outputOf(result) as string[];
      const host = names.filter((name) => !['globalThis', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape', 'eval', 'undefined', 'NaN', 'Infinity', 'main'].includes(name));
      expect(host.sort()).toEqual(['console', 'http']);
    });
  });

  it('3. dynamic import() of a node module is refused', async () => {
    const code = `async function main() { try { const fs = await import('node:fs'); return 'imported ' + typeof fs } catch (e) { return 'refused' } }`;
    await expectContainedThenHealthy(run(code), (result) => expect(['refused']).toContain(outputOf(result)));
  });

  it('4. Function constructor reaches only the guest global', async () => {
    const code = `function main() { const g = (function () {}).constructor('return this')(); return [g === globalThis, typeof g.process, typeof g.require, eval('typeof require')] }`;
    await expectContainedThenHealthy(run(code), (result) => expect(outputOf(result)).toEqual([true, 'undefined', 'undefined', 'undefined']));
  });

  it('5. constructor chains through the host-backed functions lead back to the guest', async () => {
    const code = `function main() {
      const viaHttp = http.get.constructor('return this')();
      const viaRequest = http.request.constructor.constructor('return typeof process')();
      const viaConsole = console.log.constructor('return this')();
      return [viaHttp === globalThis, viaRequest, viaConsole === globalThis, http.get instanceof Function, Object.isFrozen(http)];
    }`;
    await expectContainedThenHealthy(run(code), (result) => expect(outputOf(result)).toEqual([true, 'undefined', true, true, true]));
  });

  it('6. errors thrown by host functions are fresh guest Errors; their constructor chain is the guest\'s', async () => {
    const code = `async function main() {
      try { await http.get('http://evil.example/'); return 'no error' } catch (e) {
        const g = e.constructor.constructor('return this')();
        return [e instanceof Error, Object.getPrototypeOf(e) === Error.prototype, e.code, g === globalThis, typeof g.process, Object.keys(e).sort()];
      }
    }`;
    await expectContainedThenHealthy(run(code), (result) => expect(outputOf(result)).toEqual([true, true, 'HOST_NOT_ALLOWED', true, 'undefined', ['code']]));
  });

  it('7. the source of the host-backed functions reveals no host function or secret', async () => {
    const code = `function main() { return http.request.toString() + console.log.toString() }`;
    await expectContainedThenHealthy(run(code), (result) => {
      const text = outputOf(result) as string;
      expect(text).not.toMatch(/SEKRET|authorization|privateOrigins/i);
    });
  });

  it('8. sync file/data helpers are invisible at RESTRICTED, scratch invisible at MODERATE', async () => {
    await expectContainedThenHealthy(run('function main() { return [typeof data, typeof scratch, typeof crypto, typeof base64] }'), (result) =>
      expect(outputOf(result)).toEqual(['undefined', 'undefined', 'undefined', 'undefined']),
    );
    await expectContainedThenHealthy(run('function main() { return [typeof data, typeof scratch, typeof crypto.sha256] }', { level: 'MODERATE' }), (result) =>
      expect(outputOf(result)).toEqual(['object', 'undefined', 'function']),
    );
  });

  it('9. RESTRICTED code calling data.read or scratch.write fails as a ReferenceError', async () => {
    await expectContainedThenHealthy(run('function main() { return data.read("hello.txt") }'), (result) => expectFailure(result, 'TOOL_ERROR', /ReferenceError/));
    await expectContainedThenHealthy(run('function main() { return scratch.write("a", "b") }', { level: 'MODERATE' }), (result) => expectFailure(result, 'TOOL_ERROR', /ReferenceError/));
  });
});

// ---------------------------------------------------------------------------
// Prototype pollution and cross-run state
// ---------------------------------------------------------------------------

describe('pollution and cross-run isolation', () => {
  it('10. polluting Object.prototype reaches neither the host nor the next run', async () => {
    const code = 'function main() { Object.prototype.polluted = "yes"; Array.prototype.polluted = "yes"; JSON.parse = () => ({ hijacked: true }); return { a: 1 } }';
    await expectContainedThenHealthy(run(code), (result) => {
      expect(outputOf(result)).toEqual({ a: 1 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('11. polluting Object.prototype.auth cannot send the secret to an unbound origin', async () => {
    const code = `async function main() {
      Object.prototype.auth = 'billing';
      try { await http.get('http://api.private.test:${portA}/echo'); return 'sent' } catch (e) { return e.code }
    }`;
    const before = receivedByA.length;
    await expectContainedThenHealthy(run(code, { allowedHosts: [`http://api.private.test:${portA}`] }), (result) => expect(outputOf(result)).toBe('AUTH_NOT_ALLOWED'));
    expect(receivedByA.slice(before).some((request) => request.headers.authorization !== undefined)).toBe(false);
  });

  it('12. replacing Promise.prototype.then and JSON does not break or redirect the client', async () => {
    const code = `async function main() {
      const realThen = Promise.prototype.then;
      Promise.prototype.then = function (a, b) { return realThen.call(this, a, b) };
      JSON.stringify = () => '{"method":"GET","url":"http://evil.example/","headers":[],"query":[]}';
      const response = await http.get(${JSON.stringify('URL_A/json')});
      return response.status;
    }`;
    await expectContainedThenHealthy(run(code.replace('URL_A', A), { allowedHosts: [A] }), (result) => expect(outputOf(result)).toBe(200));
  });

  it('13. a global set in one run is absent in the next, and a replaced `http` is restored', async () => {
    await run('function main() { globalThis.leaked = "secret-of-tenant-1"; globalThis.http = null; return 1 }');
    const next = await run('async function main() { return [typeof leaked, typeof http.get] }');
    expect(outputOf(next)).toEqual(['undefined', 'function']);
    await expectHealthy();
  });

  it('14. one PERMISSIVE run cannot see another run\'s scratch files, and scratch dirs are removed', async () => {
    const first = await run('function main() { scratch.write("tenant1/secret.txt", "tenant-1 data"); return scratch.list() }', { level: 'PERMISSIVE' });
    expect(outputOf(first)).toEqual(['tenant1/secret.txt']);
    const second = run('function main() { let guess; try { guess = scratch.read("../tenant1/secret.txt") } catch (e) { guess = e.code } return [scratch.list(), guess] }', { level: 'PERMISSIVE' });
    await expectContainedThenHealthy(second, (result) => expect(outputOf(result)).toEqual([[], 'PATH_OUTSIDE']));
    expect(existsSync(scratchRoot) ? readdirSync(scratchRoot) : []).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Hostile return values
// ---------------------------------------------------------------------------

describe('hostile return values', () => {
  it('15. a thenable that never calls back fails promptly as "never settled"', async () => {
    const started = Date.now();
    await expectContainedThenHealthy(run('function main() { return { then() {} } }'), (result) => expectFailure(result, 'TOOL_ERROR', /never settled/));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('16. a thenable whose `then` getter throws is a TOOL_ERROR', async () => {
    await expectContainedThenHealthy(run('function main() { return { get then() { throw new Error("gotcha") } } }'), (result) => expectFailure(result, 'TOOL_ERROR', /gotcha/));
  });

  it('17. throwing toJSON and throwing getters are INVALID_OUTPUT', async () => {
    await expectContainedThenHealthy(run('function main() { return { toJSON() { throw new Error("no json") } } }'), (result) => expectFailure(result, 'INVALID_OUTPUT', /no json/));
    await expectContainedThenHealthy(run('function main() { return { get x() { throw new Error("getter") } } }'), (result) => expectFailure(result, 'INVALID_OUTPUT', /getter/));
  });

  it('18. cyclic output is INVALID_OUTPUT', async () => {
    await expectContainedThenHealthy(run('async function main() { const a = []; a.push(a); return a }'), (result) => expectFailure(result, 'INVALID_OUTPUT'));
  });

  it('19. a huge string is OUTPUT_TOO_LARGE', async () => {
    await expectContainedThenHealthy(run('function main() { return "x".repeat(3 * 1024 * 1024) }'), (result) => expectFailure(result, 'OUTPUT_TOO_LARGE'));
  });

  it('20. BigInt, Symbol and a Proxy with throwing traps are refused inside the guest', async () => {
    await expectContainedThenHealthy(run('function main() { return { n: 10n } }'), (result) => expectFailure(result, 'INVALID_OUTPUT', /BigInt/));
    await expectContainedThenHealthy(run('function main() { return Symbol("s") }'), (result) => expectFailure(result, 'INVALID_OUTPUT'));
    await expectContainedThenHealthy(run('function main() { return new Proxy({}, { ownKeys() { throw new Error("trap") } }) }'), (result) => expectFailure(result, 'INVALID_OUTPUT', /trap/));
  });

  it('21. a promise resolving to a function or rejecting with a non-Error stays a guest problem', async () => {
    await expectContainedThenHealthy(run('async function main() { return () => 1 }'), (result) => expectFailure(result, 'INVALID_OUTPUT'));
    await expectContainedThenHealthy(run('async function main() { throw { toString() { throw new Error("x") } } }'), (result) => expectFailure(result, 'TOOL_ERROR'));
  });
});

// ---------------------------------------------------------------------------
// CPU and memory
// ---------------------------------------------------------------------------

describe('CPU and memory exhaustion', () => {
  const short = { limits: { timeoutMs: 400 } };

  it('22. an infinite loop is a TIMEOUT', async () => {
    await expectContainedThenHealthy(run('function main() { for (;;) {} }', short), (result) => expectFailure(result, 'TIMEOUT'));
  });

  it('23. deep recursion is a MEMORY_LIMIT (stack)', async () => {
    await expectContainedThenHealthy(run('function f(n) { return f(n + 1) + 1 } function main() { return f(0) }'), (result) => expectFailure(result, 'MEMORY_LIMIT', /stack/));
  });

  it('24. a catastrophic-backtracking regex is a TIMEOUT', async () => {
    await expectContainedThenHealthy(run('function main() { return /^(a+)+$/.test("a".repeat(40) + "!") }', short), (result) => expectFailure(result, 'TIMEOUT'));
  });

  it('25. an endless microtask chain is a TIMEOUT', async () => {
    await expectContainedThenHealthy(run('function main() { function loop() { return Promise.resolve().then(loop) } return loop() }', short), (result) => expectFailure(result, 'TIMEOUT'));
  });

  it('26. an endless await loop is a TIMEOUT', async () => {
    await expectContainedThenHealthy(run('async function main() { for (;;) await null }', short), (result) => expectFailure(result, 'TIMEOUT'));
  });

  it('27. a promise that can never settle fails at once, not at the deadline', async () => {
    const result = await expectContainedThenHealthy(run('function main() { return new Promise(() => {}) }', { limits: { timeoutMs: 20_000 } }), (r) => expectFailure(r, 'TOOL_ERROR', /never settled/));
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('28. waiting on a server that never answers ends at the call deadline', async () => {
    const code = `async function main() { try { await http.get('${'URL_A'}/hang') } catch (e) { return e.code } return 'answered' }`;
    const started = Date.now();
    await expectContainedThenHealthy(run(code.replace('URL_A', A), { allowedHosts: [A], limits: { timeoutMs: 500 } }), (result) => expectFailure(result, 'TIMEOUT'));
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('29. array growth, string doubling and a huge ArrayBuffer are MEMORY_LIMIT', async () => {
    const tight = { limits: { memoryBytes: 16 * MiB } };
    await expectContainedThenHealthy(run('function main() { const a = []; for (;;) a.push([a.length, {}]) }', tight), (result) => expectFailure(result, 'MEMORY_LIMIT'));
    await expectContainedThenHealthy(run('function main() { let s = "ab"; for (;;) s = s.repeat(2); }', tight), (result) => expectFailure(result, 'MEMORY_LIMIT'));
    // Concatenation builds ropes, which hit QuickJS's maximum string length before the memory cap: contained either way.
    await expectContainedThenHealthy(run('function main() { let s = "ab"; for (;;) s = s + s; }', tight), (result) => {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code === 'MEMORY_LIMIT' || /string too long/.test(result.error.message)).toBe(true);
    });
    await expectContainedThenHealthy(run('function main() { return new ArrayBuffer(1024 * 1024 * 1024).byteLength }', tight), (result) => expectFailure(result, 'MEMORY_LIMIT'));
  });

  it('30. hoarding HTTP response bodies is bounded by the memory limit', async () => {
    const code = `async function main() { const keep = []; for (let i = 0; i < 200; i++) keep.push((await http.get('URL_A/one-mib')).body + i); return keep.length }`;
    await expectContainedThenHealthy(run(code.replace('URL_A', A), { allowedHosts: [A], limits: { memoryBytes: 16 * MiB } }), (result) => {
      // The per-call body cap is memoryBytes / 8 = 2 MiB, so each 1 MiB body arrives; keeping them all cannot fit.
      expectFailure(result, 'MEMORY_LIMIT');
    });
  });
});

// ---------------------------------------------------------------------------
// HTTP allow-list bypasses
// ---------------------------------------------------------------------------

describe('HTTP allow-list', () => {
  it('31. with no allowedHosts every request is refused', async () => {
    await expectContainedThenHealthy(run(probe(`${A}/json`)), refusedWith('HOST_NOT_ALLOWED'));
  });

  it('32. userinfo tricks: http://user@allowed@evil and user:pass@allowed', async () => {
    await expectContainedThenHealthy(run(probe(`http://user@127.0.0.1:${portA}@evil.example/`), { allowedHosts: [A] }), refusedWith('BAD_URL'));
    await expectContainedThenHealthy(run(probe(`http://user:pass@127.0.0.1:${portA}/json`), { allowedHosts: [A] }), refusedWith('BAD_URL'));
  });

  it('33. decimal IP literal 2130706433 is loopback, judged by address', async () => {
    await expectContainedThenHealthy(run(probe(`http://2130706433:${portB}/`), { allowedHosts: [B] }), refusedWith('PRIVATE_ADDRESS'));
  });

  it('34. octal 0177.0.0.1 and hex 0x7f000001 literals are loopback', async () => {
    await expectContainedThenHealthy(run(probe(`http://0177.0.0.1:${portB}/`), { allowedHosts: [B] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe(`http://0x7f000001:${portB}/`), { allowedHosts: [B] }), refusedWith('PRIVATE_ADDRESS'));
  });

  it('35. IPv6-mapped [::ffff:127.0.0.1], [::1] and [::] are refused', async () => {
    const mapped = `http://[::ffff:127.0.0.1]:${portB}`;
    await expectContainedThenHealthy(run(probe(`${mapped}/`), { allowedHosts: [mapped] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe(`http://[::1]:${portB}/`), { allowedHosts: [`http://[::1]:${portB}`] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe(`http://0.0.0.0:${portB}/`), { allowedHosts: [`http://0.0.0.0:${portB}`] }), refusedWith('PRIVATE_ADDRESS'));
  });

  it('36. the cloud metadata address 169.254.169.254 is refused even when allow-listed', async () => {
    await expectContainedThenHealthy(run(probe('http://169.254.169.254/latest/meta-data/'), { allowedHosts: ['http://169.254.169.254'] }), refusedWith('PRIVATE_ADDRESS'));
  });

  it('37. localhost is loopback unless the operator lists it', async () => {
    await expectContainedThenHealthy(run(probe(`http://localhost:${portB}/`), { allowedHosts: [`http://localhost:${portB}`] }), refusedWith('PRIVATE_ADDRESS'));
  });

  it('38. DNS that answers an internal address (rebinding), or a mix, is refused', async () => {
    await expectContainedThenHealthy(run(probe(`http://api.rebind.test:${portB}/`), { allowedHosts: [`http://api.rebind.test:${portB}`] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe('http://api.mixed.test/'), { allowedHosts: ['http://api.mixed.test'] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe('http://api.metadata.test/'), { allowedHosts: ['http://api.metadata.test'] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe('http://api.v6local.test/'), { allowedHosts: ['http://api.v6local.test'] }), refusedWith('PRIVATE_ADDRESS'));
    expect(receivedByB).toEqual([]);
  });

  it('39. every internal range is refused behind a public-looking name, IPv4 embedded in IPv6 included', async () => {
    const origins = INTERNAL_ADDRESSES.map((_, index) => `http://internal-${index}.example.com`);
    const code = `async function main(origins) {
      const codes = [];
      for (const origin of origins) { try { await http.get(origin + '/'); codes.push('reached') } catch (e) { codes.push(e.code) } }
      return codes;
    }`;
    await expectContainedThenHealthy(sandbox.run({ code, input: origins, allowedHosts: origins }), (result) =>
      expect(outputOf(result)).toEqual(INTERNAL_ADDRESSES.map(() => 'PRIVATE_ADDRESS')),
    );
  });

  it('40. TLS certificates are verified: a self-signed server is a NETWORK_ERROR', async (context) => {
    if (C === '') context.skip();
    await expectContainedThenHealthy(run(probe(`${C}/`), { allowedHosts: [C] }), (result) => {
      refusedWith('NETWORK_ERROR')(result);
      expect((outputOf(result) as { message: string }).message).toMatch(/SELF_SIGNED|CERT/);
    });
  });

  it('41. a public-looking answer passes the address policy (and then fails only on the network)', async () => {
    const result = await run(probe('http://api.public.test/'), { allowedHosts: ['http://api.public.test'], limits: { timeoutMs: 1500 } });
    if (result.ok) expect(['NETWORK_ERROR', 'HTTP_TIMEOUT']).toContain((result.output as { code: string }).code);
    else expect(result.error.code).toBe('TIMEOUT');
    await expectHealthy();
  });

  it('42. a redirect from an allowed host to a private address is refused', async () => {
    await expectContainedThenHealthy(run(probe(`${A}/to-rebind`), { allowedHosts: [A, `http://api.rebind.test:${portB}`] }), refusedWith('PRIVATE_ADDRESS'));
    await expectContainedThenHealthy(run(probe(`${A}/to-metadata`), { allowedHosts: [A, 'http://169.254.169.254'] }), refusedWith('PRIVATE_ADDRESS'));
    expect(receivedByB).toEqual([]);
  });

  it('43. a redirect to a host that is not allow-listed, or to file:, is refused', async () => {
    await expectContainedThenHealthy(run(probe(`${A}/to-b`), { allowedHosts: [A] }), refusedWith('HOST_NOT_ALLOWED'));
    await expectContainedThenHealthy(run(probe(`${A}/to-file`), { allowedHosts: [A] }), refusedWith('BAD_URL'));
    expect(receivedByB).toEqual([]);
  });

  it('44. redirect loops stop after 5 hops; 5 hops are followed', async () => {
    await expectContainedThenHealthy(run(probe(`${A}/loop`), { allowedHosts: [A] }), refusedWith('TOO_MANY_REDIRECTS'));
    await expectContainedThenHealthy(run(probe(`${A}/chain/5`), { allowedHosts: [A] }), (result) => expect(outputOf(result)).toMatchObject({ reached: true, status: 200, body: 'end of chain' }));
    await expectContainedThenHealthy(run(probe(`${A}/chain/6`), { allowedHosts: [A] }), refusedWith('TOO_MANY_REDIRECTS'));
  });

  it('45. file:, ftp:, data: and javascript: URLs are refused', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/', 'data:text/plain,hello', 'javascript:alert(1)', 'gopher://127.0.0.1:70/']) {
      await expectContainedThenHealthy(run(probe(url), { allowedHosts: [A] }), refusedWith('BAD_URL'));
    }
  });

  it('46. port and scheme must match the allow-listed origin exactly', async () => {
    await expectContainedThenHealthy(run(probe(`http://127.0.0.1:${portB}/`), { allowedHosts: [A] }), refusedWith('HOST_NOT_ALLOWED'));
    await expectContainedThenHealthy(run(probe(`https://127.0.0.1:${portA}/`), { allowedHosts: [A] }), refusedWith('HOST_NOT_ALLOWED'));
    await expectContainedThenHealthy(run(probe('/json'), { allowedHosts: [A] }), refusedWith('BAD_URL'));
  });

  it('47. host-owned and malformed headers are refused (no Host spoofing, no header injection)', async () => {
    await expectContainedThenHealthy(run(probe(`${A}/echo`, { headers: { Host: 'evil.example' } }), { allowedHosts: [A] }), refusedWith('BAD_REQUEST'));
    await expectContainedThenHealthy(run(probe(`${A}/echo`, { headers: { 'X-A': 'ok\r\nX-Injected: 1' } }), { allowedHosts: [A] }), refusedWith('BAD_REQUEST'));
    await expectContainedThenHealthy(run(probe(`${A}/echo`, { method: 'CONNECT' }), { allowedHosts: [A] }), refusedWith('BAD_REQUEST'));
  });

  it('48. an oversized response body is RESPONSE_TOO_LARGE', async () => {
    await expectContainedThenHealthy(run(probe(`${A}/big`), { allowedHosts: [A] }), refusedWith('RESPONSE_TOO_LARGE'));
  });

  it('49. a request flood is capped in flight, and oversized request bodies never leave the worker', async () => {
    const code = `async function main() {
      const pending = [];
      for (let i = 0; i < 20; i++) pending.push(http.get('URL_A/json').then(() => 'ok', (e) => e.code));
      const flood = await Promise.all(pending);
      let big;
      try { await http.post('URL_A/echo', 'x'.repeat(5 * 1024 * 1024)) } catch (e) { big = e.code }
      return { ok: flood.filter((c) => c === 'ok').length, refused: flood.filter((c) => c === 'TOO_MANY_REQUESTS').length, big };
    }`;
    await expectContainedThenHealthy(run(code.replace(/URL_A/g, A), { allowedHosts: [A] }), (result) => expect(outputOf(result)).toEqual({ ok: 8, refused: 12, big: 'BAD_REQUEST' }));
  });

  it('50. bad allowedHosts entries are INVALID_INPUT before anything runs', async () => {
    for (const entry of ['https://api.example.com/path', 'ftp://example.com', 'not a url', 'https://user@api.example.com', 42]) {
      const result = await sandbox.run({ code: 'function main() { return 1 }', input: null, allowedHosts: [entry as string] });
      expectFailure(result, 'INVALID_INPUT', /allowedHosts\[0\]/);
    }
    await expectHealthy();
  });
});

// ---------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------

describe('secrets', () => {
  it('51. the bound origin gets the header; the guest never sees its value', async () => {
    const before = receivedByA.length;
    const code = `async function main() {
      const response = await http.get('URL_A/echo', { auth: 'billing' });
      console.log('sent', JSON.stringify(response.json()));
      return { echo: response.json(), everything: JSON.stringify(Object.getOwnPropertyNames(globalThis)) };
    }`;
    const result = await expectContainedThenHealthy(run(code.replace('URL_A', A), { allowedHosts: [A], secretNames: ['billing'] }), (r) => {
      expect((outputOf(r) as { echo: { headerNames: string[] } }).echo.headerNames).toContain('authorization');
    });
    expect(JSON.stringify(result)).not.toContain('SEKRET');
    expect(receivedByA.slice(before).map((request) => request.headers.authorization)).toContain(SECRET_VALUE);
  });

  it('52. auth to an origin the secret is not bound to is refused, and nothing is sent', async () => {
    const alias = `http://api.private.test:${portA}`;
    const before = receivedByA.length;
    await expectContainedThenHealthy(run(probe(`${alias}/echo`, { auth: 'billing' }), { allowedHosts: [alias], secretNames: ['billing'] }), refusedWith('AUTH_NOT_ALLOWED'));
    expect(receivedByA.length).toBe(before);
  });

  it('53. a redirect from the bound origin elsewhere does not carry the secret', async () => {
    const alias = `http://api.private.test:${portA}`;
    const before = receivedByA.length;
    await expectContainedThenHealthy(run(probe(`${A}/to-private-alias`, { auth: 'billing' }), { allowedHosts: [A, alias], secretNames: ['billing'] }), refusedWith('AUTH_NOT_ALLOWED'));
    const redirected = receivedByA.slice(before).filter((request) => request.path === '/echo');
    expect(redirected).toEqual([]);
  });

  it('54. unknown secret names are refused; errors and logs never contain a secret value', async () => {
    const code = `async function main() {
      const codes = [];
      for (const name of ['nope', 'billing ', '__proto__', 'constructor']) {
        try { await http.get('URL_A/echo', { auth: name }) } catch (e) { codes.push(e.code); console.log(e.message) }
      }
      try { await http.get('URL_B/', { auth: 'billing' }) } catch (e) { codes.push(e.code); console.log(e.message) }
      return codes;
    }`;
    await expectContainedThenHealthy(run(code.replace(/URL_A/g, A).replace('URL_B', B), { allowedHosts: [A], secretNames: ['billing'] }), (result) => {
      expect(outputOf(result)).toEqual(['AUTH_NOT_ALLOWED', 'AUTH_NOT_ALLOWED', 'AUTH_NOT_ALLOWED', 'AUTH_NOT_ALLOWED', 'HOST_NOT_ALLOWED']);
      expect(result.logs.join('\n')).not.toContain('SEKRET');
    });
  });

  it('55. a call limited to other secrets (another tenant\'s) cannot use this one, and nothing is sent', async () => {
    const before = receivedByA.length;
    await expectContainedThenHealthy(run(probe(`${A}/echo`, { auth: 'billing' }), { allowedHosts: [A], secretNames: ['other-tenant-key'] }), refusedWith('AUTH_NOT_ALLOWED'));
    expect(receivedByA.length).toBe(before);
  });

  it('56. a call that names no secrets has none, and nothing is sent', async () => {
    const before = receivedByA.length;
    await expectContainedThenHealthy(run(probe(`${A}/echo`, { auth: 'billing' }), { allowedHosts: [A] }), refusedWith('AUTH_NOT_ALLOWED'));
    expect(receivedByA.length).toBe(before);
  });
});

// ---------------------------------------------------------------------------
// Files: data (MODERATE) and scratch (PERMISSIVE)
// ---------------------------------------------------------------------------

describe('data and scratch confinement', () => {
  const attempt = (expression: string): string => `function main() { try { return { value: ${expression} } } catch (e) { return { code: e.code, guestError: e instanceof Error } } }`;

  it('56. data: path traversal ../../etc/passwd is PATH_OUTSIDE', async () => {
    await expectContainedThenHealthy(run(attempt('data.read("../../../../etc/passwd")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
    await expectContainedThenHealthy(run(attempt('data.read("reports/../../outside/private.txt")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
  });

  it('57. data: absolute paths are PATH_OUTSIDE', async () => {
    await expectContainedThenHealthy(run(attempt('data.read("/etc/passwd")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
    await expectContainedThenHealthy(run(attempt('data.list("/")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
  });

  it('58. data: symlinks pointing outside (file and directory) are PATH_OUTSIDE', async () => {
    await expectContainedThenHealthy(run(attempt('data.read("link-to-outside.txt")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
    await expectContainedThenHealthy(run(attempt('data.read("linked-dir/private.txt")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
    await expectContainedThenHealthy(run(attempt('data.list("linked-dir")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toEqual({ code: 'PATH_OUTSIDE', guestError: true }));
  });

  it('59. data: oversized files, missing files, NUL bytes and non-strings are refused with codes', async () => {
    await expectContainedThenHealthy(run(attempt('data.read("large.bin")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toMatchObject({ code: 'FILE_TOO_LARGE' }));
    await expectContainedThenHealthy(run(attempt('data.read("missing.txt")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toMatchObject({ code: 'NOT_FOUND' }));
    await expectContainedThenHealthy(run(attempt('data.read("hello.txt\\u0000.png")'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toMatchObject({ code: 'BAD_ARGUMENT' }));
    await expectContainedThenHealthy(run(attempt('data.read({ toString() { return "hello.txt" } })'), { level: 'MODERATE' }), (result) => expect(outputOf(result)).toMatchObject({ code: 'BAD_ARGUMENT' }));
  });

  it('60. scratch: traversal and absolute paths are PATH_OUTSIDE; nothing lands outside', async () => {
    const code = `function main() {
      const codes = [];
      for (const path of ['../escape.txt', '../../escape.txt', '/tmp/escape.txt', 'a/../../escape.txt']) {
        try { scratch.write(path, 'x'); codes.push('written') } catch (e) { codes.push(e.code) }
      }
      return codes;
    }`;
    await expectContainedThenHealthy(run(code, { level: 'PERMISSIVE' }), (result) => expect(outputOf(result)).toEqual(['PATH_OUTSIDE', 'PATH_OUTSIDE', 'PATH_OUTSIDE', 'PATH_OUTSIDE']));
    expect(existsSync(join(scratchRoot, 'escape.txt'))).toBe(false);
  });

  it('61. scratch: the quota cannot be exceeded, even by rewriting', async () => {
    const code = `function main() {
      const chunk = 'q'.repeat(300 * 1024);
      const codes = [];
      for (let i = 0; i < 5; i++) { try { scratch.write('f' + i, chunk); codes.push('ok') } catch (e) { codes.push(e.code) } }
      scratch.remove('f0');
      scratch.write('f0', chunk);
      return codes;
    }`;
    await expectContainedThenHealthy(run(code, { level: 'PERMISSIVE' }), (result) => expect(outputOf(result)).toEqual(['ok', 'ok', 'ok', 'QUOTA_EXCEEDED', 'QUOTA_EXCEEDED']));
  });

  it('62. scratch: the directory is removed when the run times out or its thread is killed', async () => {
    await expectContainedThenHealthy(run('function main() { scratch.write("left-behind.txt", "x"); for (;;) {} }', { level: 'PERMISSIVE', limits: { timeoutMs: 300 } }), (result) => expectFailure(result, 'TIMEOUT'));
    const stuck = 'function main() { scratch.write("left-behind.txt", "x"); let o = {}; for (let i = 0; i < 200000; i++) o = { a: o }; return JSON.stringify(o).length }';
    await expectContainedThenHealthy(run(stuck, { level: 'PERMISSIVE', limits: { timeoutMs: 500 } }), (result) => expectFailure(result, 'TIMEOUT', /terminated/));
    expect(readdirSync(scratchRoot)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// The capabilities themselves work (so the refusals above are not just breakage)
// ---------------------------------------------------------------------------

describe('granted capabilities work', () => {
  it('http: GET json, POST JSON with query, non-2xx resolves, lowercase headers, json() on text throws', async () => {
    const code = `async function main() {
      const got = await http.get('URL_A/json');
      const posted = await http.post('URL_A/echo', { a: 1 }, { query: { q: 'x y', n: 2, skip: null }, headers: { 'X-Trace': 'abc' } });
      const missing = await http.request({ method: 'GET', url: 'URL_A/missing' });
      const text = await http.get('URL_A/text');
      let parseError;
      try { text.json() } catch (e) { parseError = e.name }
      const both = await Promise.all([http.get('URL_A/json'), http.get('URL_A/json')]);
      return { got: got.json(), status: got.status, type: got.headers['content-type'], posted: posted.json(), custom: posted.headers['x-custom-header'], missing: missing.status, parseError, both: both.length };
    }`;
    const output = outputOf(await run(code.replace(/URL_A/g, A), { allowedHosts: [A] }));
    expect(output).toEqual({
      got: { hello: 'world' },
      status: 200,
      type: 'application/json',
      posted: expect.objectContaining({ method: 'POST', path: '/echo?q=x+y&n=2', contentType: 'application/json', body: '{"a":1}' }),
      custom: 'Yes',
      missing: 404,
      parseError: 'SyntaxError',
      both: 2,
    });
  });

  it('http: an operator-listed private origin is reached at the address the resolver gave (no second lookup)', async () => {
    // Real DNS does not know api.private.test: reaching it proves the connection used the pinned, checked address.
    const alias = `http://api.private.test:${portA}`;
    const code = `async function main() { const r = await http.get('${'ALIAS'}/json'); return [r.status, r.json()] }`;
    expect(outputOf(await run(code.replace('ALIAS', alias), { allowedHosts: [alias] }))).toEqual([200, { hello: 'world' }]);
  });

  it('data, crypto and base64 at MODERATE', async () => {
    const code = `function main() {
      return [data.read('hello.txt'), JSON.parse(data.read('reports/q1.json')).revenue, data.list(), data.list('reports'), crypto.sha256('abc'), base64.encode('héllo'), base64.decode('aMOpbGxv'), crypto.hmacSha256('key', 'msg').length, typeof crypto.randomUUID()];
    }`;
    expect(outputOf(await run(code, { level: 'MODERATE' }))).toEqual([
      'hello from data',
      42,
      // A link is listed as what it is (not followed), so linked-dir has no trailing "/".
      ['hello.txt', 'large.bin', 'link-to-outside.txt', 'linked-dir', 'reports/'],
      ['q1.json'],
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'aMOpbGxv',
      'héllo',
      64,
      'string',
    ]);
  });

  it('scratch at PERMISSIVE: write, read, list, remove', async () => {
    const code = `function main() {
      scratch.write('notes/a.txt', 'alpha');
      scratch.write('b.txt', 'beta');
      const listed = scratch.list();
      const read = scratch.read('notes/a.txt');
      scratch.remove('b.txt');
      return [listed, read, scratch.list()];
    }`;
    expect(outputOf(await run(code, { level: 'PERMISSIVE' }))).toEqual([['b.txt', 'notes/a.txt'], 'alpha', ['notes/a.txt']]);
  });

  it('limitsByLevel sets per-level defaults and is validated at construction', async () => {
    const tuned = createSandbox({ threads: 1, limitsByLevel: { RESTRICTED: { timeoutMs: 250 } } });
    try {
      expectFailure(await tuned.run({ code: 'function main() { for (;;) {} }', input: null }), 'TIMEOUT', /250 ms/);
    } finally {
      await tuned.close();
    }
    expect(() => createSandbox({ limitsByLevel: { MODERATE: { timeoutMs: 0 } } })).toThrow(RangeError);
    expect(() => createSandbox({ privateOrigins: ['http://x/path'] })).toThrow(TypeError);
  });
});
