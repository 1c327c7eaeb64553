import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_TOOL_NAMES, loadBuiltinTool } from '../../activities/tools/builtin/index.js';
import { createSandbox } from '../../activities/tools/sandbox/sandbox.js';
import type { SandboxErrorCode, SandboxRequest, SandboxResult } from '../../activities/tools/sandbox/types.js';

const MiB = 1024 * 1024;

// A short grace keeps the wall-clock backstop test fast; every other call here finishes
// (or is stopped by the in-VM CPU deadline) long before timeoutMs + grace.
const sandbox = createSandbox({ threads: 2, wallClockGraceMs: 300 });

afterAll(async () => {
  await sandbox.close();
});

async function toolCode(name: string): Promise<string> {
  const tool = await loadBuiltinTool(name);
  if (tool === undefined) throw new Error(`built-in tool ${name} is missing`);
  return tool.code;
}

function expectOutput(result: SandboxResult): unknown {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.output;
}

function expectError(result: SandboxResult, code: SandboxErrorCode, message?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  if (message) expect(result.error.message).toMatch(message);
}

function run(code: string, input: unknown = null, extra: Partial<SandboxRequest> = {}): Promise<SandboxResult> {
  return sandbox.run({ code, input, ...extra });
}

describe('built-in tools', () => {
  it('lists and loads the built-in tools with their sources', async () => {
    expect([...BUILTIN_TOOL_NAMES].sort()).toEqual(['finance.charges_to_payments', 'finance.match_transactions', 'hr.onboarding_checklist', 'secops.contain', 'secops.investigate', 'secops.notify', 'secops.triage_alert']);
    const tool = await loadBuiltinTool('finance.match_transactions');
    expect(tool).toMatchObject({ name: 'finance.match_transactions', version: '1.0.0' });
    expect(tool?.code).toContain('function main(input)');
    expect(await loadBuiltinTool('no.such_tool')).toBeUndefined();
  });

  it('finance.match_transactions matches by reference within tolerance, then by amount, and proposes adjustments', async () => {
    const result = await run(await toolCode('finance.match_transactions'), {
      invoices: [
        { id: 'INV-1', amount: 100, currency: 'EUR', reference: 'ref-001' },
        { id: 'INV-2', amount: 250.5, currency: 'EUR', reference: 'REF-002' },
        { id: 'INV-3', amount: 75, currency: 'USD', reference: 'ref-003' },
        { id: 'INV-4', amount: 999, currency: 'EUR', reference: 'ref-404' },
        { id: 'INV-5', amount: 40, currency: 'EUR', reference: 'ref-005' },
      ],
      payments: [
        { id: 'PAY-A', amount: 99.5, currency: 'eur', reference: '  Ref-001 ' }, // reference match, 0.50 short
        { id: 'PAY-B', amount: 250.5, currency: 'EUR', reference: 'unrelated' }, // amount + currency match
        { id: 'PAY-C', amount: 75, currency: 'USD', reference: 'REF-003' }, // exact reference match
        { id: 'PAY-D', amount: 10, currency: 'EUR', reference: '' }, // matches nothing
        { id: 'PAY-E', amount: 41, currency: 'EUR', reference: 'ref-005' }, // reference match, 1.00 over (at the tolerance)
      ],
      amountTolerance: 1,
    });
    expect(expectOutput(result)).toEqual({
      matched: [
        { invoiceId: 'INV-1', paymentId: 'PAY-A', difference: -0.5 },
        { invoiceId: 'INV-2', paymentId: 'PAY-B', difference: 0 },
        { invoiceId: 'INV-3', paymentId: 'PAY-C', difference: 0 },
        { invoiceId: 'INV-5', paymentId: 'PAY-E', difference: 1 },
      ],
      unmatchedInvoices: ['INV-4'],
      unmatchedPayments: ['PAY-D'],
      adjustments: [
        { invoiceId: 'INV-1', paymentId: 'PAY-A', amount: -0.5, currency: 'EUR' },
        { invoiceId: 'INV-5', paymentId: 'PAY-E', amount: 1, currency: 'EUR' },
      ],
      totalAdjustment: 0.5,
    });
    expect(result.logs).toEqual(['matched 4 of 5 invoice(s); 2 adjustment(s); 1 unmatched payment(s)']);
  });

  it('finance.match_transactions with the default tolerance of 0 leaves near-misses unmatched', async () => {
    const output = expectOutput(
      await run(await toolCode('finance.match_transactions'), {
        invoices: [{ id: 'INV-1', amount: 100, currency: 'EUR', reference: 'ref-001' }],
        payments: [{ id: 'PAY-A', amount: 99.5, currency: 'EUR', reference: 'ref-001' }],
      }),
    );
    expect(output).toEqual({ matched: [], unmatchedInvoices: ['INV-1'], unmatchedPayments: ['PAY-A'], adjustments: [], totalAdjustment: 0 });
  });

  it('finance.match_transactions rejects malformed input with a clear TOOL_ERROR', async () => {
    const result = await run(await toolCode('finance.match_transactions'), {
      invoices: [{ id: 'INV-1', amount: '100', currency: 'EUR', reference: 'r' }],
      payments: [],
    });
    expectError(result, 'TOOL_ERROR', /invoices\[0\]\.amount must be a finite number/);
  });

  it('finance.charges_to_payments turns provider charges (minor units) into ledger lines, by currency, skipping what did not succeed', async () => {
    const output = expectOutput(
      await run(await toolCode('finance.charges_to_payments'), {
        charges: [
          { id: 'ch_1', amount: 12050, currency: 'eur', status: 'succeeded', metadata: { invoice: 'INV-1001' } },
          { id: 'ch_2', amount: 5000, currency: 'jpy', status: 'succeeded', description: 'order 77' },
          { id: 'ch_3', amount: 1234, currency: 'kwd', status: 'succeeded', metadata: { invoice: ' INV-9 ' } },
          { id: 'ch_4', amount: 900, currency: 'usd', status: 'failed', metadata: { invoice: 'INV-1002' } },
          { id: 'ch_1', amount: 12050, currency: 'eur', status: 'succeeded' },
        ],
      }),
    );
    expect(output).toEqual({
      payments: [
        { id: 'ch_1', amount: 120.5, currency: 'EUR', reference: 'INV-1001' },
        { id: 'ch_2', amount: 5000, currency: 'JPY', reference: 'order 77' },
        { id: 'ch_3', amount: 1.234, currency: 'KWD', reference: 'INV-9' },
      ],
      skipped: [
        { id: 'ch_4', reason: 'status failed' },
        { id: 'ch_1', reason: 'duplicate' },
      ],
    });
    expectError(await run(await toolCode('finance.charges_to_payments'), { charges: [{ id: 'ch_x', amount: 1.5, currency: 'eur' }] }), 'TOOL_ERROR', /charges\[0\]\.amount must be an integer/);
  });

  it('hr.onboarding_checklist builds an engineering checklist with business-day due dates', async () => {
    const output = expectOutput(
      await run(await toolCode('hr.onboarding_checklist'), {
        // 2025-03-03 is a Monday, so "5 business days before" crosses a weekend.
        employee: { id: 'E-7', name: 'Ada Lovelace', role: 'Senior Software Engineer', department: 'Engineering', startDate: '2025-03-03', location: 'Berlin' },
      }),
    );
    expect(output).toEqual({
      employeeId: 'E-7',
      items: [
        { id: 'hr-contract', title: 'Collect the signed contract and tax forms', owner: 'hr', dueDate: '2025-02-24' },
        { id: 'it-hardware', title: 'Prepare laptop and peripherals', owner: 'it', dueDate: '2025-02-26' },
        { id: 'it-accounts', title: 'Provision the accounts listed for this hire', owner: 'it', dueDate: '2025-02-28' },
        { id: 'facilities-badge', title: 'Issue an office badge and desk at Berlin', owner: 'facilities', dueDate: '2025-02-28' },
        { id: 'eng-repo-access', title: 'Grant source repository access (organisation and team)', owner: 'engineering-lead', dueDate: '2025-02-28' },
        { id: 'manager-welcome', title: 'Welcome meeting and first-week plan', owner: 'manager', dueDate: '2025-03-03' },
        { id: 'eng-dev-environment', title: 'Set up the development environment and run the test suite', owner: 'employee', dueDate: '2025-03-05' },
        { id: 'security-training', title: 'Complete security awareness training', owner: 'employee', dueDate: '2025-03-10' },
        { id: 'hr-benefits', title: 'Enrol in benefits', owner: 'hr', dueDate: '2025-03-17' },
        { id: 'eng-first-change', title: 'Ship a first small change through code review', owner: 'engineering-lead', dueDate: '2025-03-17' },
        { id: 'manager-checkin', title: 'First-month check-in', owner: 'manager', dueDate: '2025-03-31' },
        { id: 'eng-on-call-shadow', title: 'Shadow one on-call rotation', owner: 'engineering-lead', dueDate: '2025-03-31' },
      ],
      accounts: ['email', 'sso', 'chat', 'hris', 'github', 'ci', 'cloud-console'],
    });
  });

  it('hr.onboarding_checklist varies by department and location, and rejects impossible dates', async () => {
    const code = await toolCode('hr.onboarding_checklist');
    const finance = expectOutput(
      await run(code, { employee: { id: 'E-8', name: 'Luca', role: 'Accountant', department: 'Finance', startDate: '2024-12-31', location: 'Remote' } }),
    );
    expect(finance).toMatchObject({ employeeId: 'E-8', accounts: ['email', 'sso', 'chat', 'hris', 'erp', 'expenses-approval'] });
    expect(finance).toHaveProperty('items', expect.arrayContaining([
      { id: 'fin-erp-access', title: 'Grant ERP access after a segregation-of-duties review', owner: 'finance-controller', dueDate: '2024-12-30' },
      { id: 'it-hardware', title: "Ship laptop and peripherals to the employee's home address", owner: 'it', dueDate: '2024-12-24' },
    ]));
    expect(JSON.stringify(finance)).not.toMatch(/eng-repo-access|facilities-badge/);

    const impossible = await run(code, { employee: { id: 'E-9', name: 'X', role: 'Analyst', department: 'Ops', startDate: '2025-02-30' } });
    expectError(impossible, 'TOOL_ERROR', /startDate "2025-02-30" is not a calendar date/);
  });

  it('secops.triage_alert scores a known-bad IP on a critical asset as critical', async () => {
    const output = expectOutput(
      await run(await toolCode('secops.triage_alert'), {
        alert: {
          id: 'AL-1',
          source: 'edr',
          assetCriticality: 'critical',
          indicators: [
            { type: 'ip', value: '203.0.113.7', reputation: 0.95 },
            { type: 'hash', value: 'abc123', reputation: 0.6 },
            { type: 'user', value: 'jdoe' },
          ],
        },
      }),
    );
    expect(output).toEqual({
      alertId: 'AL-1',
      severity: 'critical',
      // 1 - (1 - 0.85*0.95) * (1 - 1*0.6) * (1 - 0.7*0.2), times criticality weight 1
      score: 0.934,
      reasons: [
        'asset criticality is critical',
        '1 indicator(s) with malicious reputation: ip 203.0.113.7 (reputation 0.95)',
        '1 indicator(s) without reputation data: user jdoe (no intel)',
        'threat score 0.934 from source edr puts it in the critical band',
      ],
      recommendedActions: [
        'Open a P1 incident and page the on-call responder',
        'Isolate the affected asset from the network',
        'Block IP 203.0.113.7 at the perimeter firewall',
        'Enrich the indicators without reputation data against threat intelligence',
      ],
    });
  });

  it('secops.triage_alert keeps benign alerts low and rejects unknown indicator types', async () => {
    const code = await toolCode('secops.triage_alert');
    const benign = expectOutput(
      await run(code, { alert: { id: 'AL-2', source: 'proxy', assetCriticality: 'low', indicators: [{ type: 'domain', value: 'example.com', reputation: 0.05 }] } }),
    );
    expect(benign).toMatchObject({ alertId: 'AL-2', severity: 'low', score: 0.025, recommendedActions: ['Record the alert and close it after automated enrichment'] });

    const bad = await run(code, { alert: { id: 'AL-3', source: 'x', assetCriticality: 'low', indicators: [{ type: 'email', value: 'a@b.c' }] } });
    expectError(bad, 'TOOL_ERROR', /indicators\[0\]\.type must be one of ip, domain, hash, user/);
  });

  it('secops.investigate gives each indicator a verdict, a user only suspicion, and refuses what is not an indicator', async () => {
    const code = await toolCode('secops.investigate');
    const out = expectOutput(
      await run(code, {
        threatId: 'T-1',
        shard: 0,
        of: 1,
        indicators: [
          { type: 'hash', value: 'abc', reputation: 0.9 },
          { type: 'ip', value: '192.0.2.1', reputation: 0.5 },
          { type: 'domain', value: 'good.example', reputation: 0.05 },
          { type: 'user', value: 'bob', reputation: 0.95 },
          { type: 'ip', value: '192.0.2.2' },
        ],
      }),
    ) as { findings: Array<{ verdict: string }>; malicious: number };
    expect(out.findings.map((f) => f.verdict)).toEqual(['malicious', 'suspicious', 'benign', 'suspicious', 'unknown']);
    expect(out.malicious).toBe(1);
    expectError(await run(code, { threatId: 'T-1', indicators: [{ type: 'mac', value: 'x' }] }), 'TOOL_ERROR', /indicators\[0\]\.type/);
  });

  it('secops.contain blocks known-bad indicators always, and isolates or disables only when the severity warrants it', async () => {
    const code = await toolCode('secops.contain');
    const input = (severity: string) => ({
      threatId: 'T-2',
      severity,
      indicators: [{ type: 'ip', value: '203.0.113.5', reputation: 0.8 }, { type: 'user', value: 'eve', reputation: 0.99 }],
      assets: [{ id: 'db-1', kind: 'host', criticality: 'high' }, { id: 'kiosk', kind: 'host', criticality: 'low' }, { id: 'eve', kind: 'account', criticality: 'medium' }],
    });
    const kinds = async (severity: string) => ((expectOutput(await run(code, input(severity))) as { actions: Array<{ kind: string; target: string }> }).actions.map((a) => `${a.kind}:${a.target}`));
    expect(await kinds('medium')).toEqual(['indicator.block:ip:203.0.113.5']);
    expect(await kinds('high')).toEqual(['indicator.block:ip:203.0.113.5', 'host.isolate:db-1']);
    expect(await kinds('critical')).toEqual(['indicator.block:ip:203.0.113.5', 'host.isolate:db-1', 'host.isolate:kiosk', 'account.disable:eve']);
    expectError(await run(code, { ...input('severe') }), 'TOOL_ERROR', /severity must be one of/);
  });

  it('secops.notify widens the audience with the severity and names the owners of critical assets', async () => {
    const code = await toolCode('secops.notify');
    const notify = async (severity: string) =>
      (expectOutput(await run(code, { threatId: 'T-3', severity, title: 'Beacon', assets: [{ id: 'web-1', kind: 'host', criticality: 'critical' }] })) as { recipients: string[]; message: string });
    expect((await notify('medium')).recipients).toEqual(['soc-channel', 'owner:host:web-1']);
    const critical = await notify('critical');
    expect(critical.recipients).toEqual(['soc-channel', 'incident-commander', 'ciso', 'owner:host:web-1']);
    expect(critical.message).toBe('[CRITICAL] Beacon (threat T-3); 1 asset(s) involved.');
  });
});

describe('sandbox isolation and limits', () => {
  it('passes JSON in, returns JSON out and collects console.log lines', async () => {
    const result = await run('function main(input) { console.log("got", input.items.length, { ok: true }); return { sum: input.items.reduce((a, b) => a + b, 0) }; }', { items: [1, 2, 3] });
    expect(result).toMatchObject({ ok: true, output: { sum: 6 }, logs: ['got 3 {"ok":true}'] });
  });

  it('caps the collected log lines', async () => {
    const result = await run('function main() { for (let i = 0; i < 1000; i++) console.log("line", i); return "done" }');
    expect(expectOutput(result)).toBe('done');
    expect(result.logs).toHaveLength(201);
    expect(result.logs[0]).toBe('line 0');
    expect(result.logs[200]).toMatch(/log limit reached/);
  });

  it('stops an infinite loop at the CPU deadline, and the next call still works', async () => {
    const started = Date.now();
    const looping = await run('function main() { while (true) {} }', null, { limits: { timeoutMs: 300 } });
    expectError(looping, 'TIMEOUT', /CPU time limit of 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(expectOutput(await run('function main(x) { return x + 1 }', 41))).toBe(42);
  });

  it('a tool cannot catch its own timeout', async () => {
    const result = await run('function main() { for (;;) { try { while (true) {} } catch (e) { /* keep going */ } } }', null, { limits: { timeoutMs: 300 } });
    expectError(result, 'TIMEOUT');
  });

  it('stops a memory bomb of large strings with MEMORY_LIMIT', async () => {
    // Each string is below the 8 MB limit, which QuickJS's own per-allocation check
    // alone would let through; the capped WASM heap is what stops this one.
    const result = await run('function main() { const keep = []; while (true) keep.push("x".repeat(1e6) + keep.length); }', null, { limits: { memoryBytes: 8 * MiB } });
    expectError(result, 'MEMORY_LIMIT', /memory limit of 8388608 bytes/);
  });

  it('stops a memory bomb of small objects with MEMORY_LIMIT', async () => {
    const bomb = 'function main() { const keep = []; while (true) keep.push({ n: keep.length }); }';
    expectError(await run(bomb, null, { limits: { memoryBytes: 8 * MiB } }), 'MEMORY_LIMIT');
    // At this size (as measured) the heap cap is hit at a point where QuickJS cannot
    // even allocate its "out of memory" error and throws null: still MEMORY_LIMIT.
    expectError(await run(bomb, null, { limits: { memoryBytes: 16 * MiB } }), 'MEMORY_LIMIT');
    // ...while a tool that throws null itself is just a tool error.
    expectError(await run('function main() { throw null }', null, { limits: { memoryBytes: 16 * MiB } }), 'TOOL_ERROR', /null/);
  });

  it('refuses a single huge string with MEMORY_LIMIT', async () => {
    expectError(await run('function main() { return "x".repeat(2 ** 29).length }'), 'MEMORY_LIMIT');
  });

  it('stops runaway recursion at the stack limit', async () => {
    const result = await run('function down(n) { return down(n + 1) + 1 } function main() { return down(0) }');
    expectError(result, 'MEMORY_LIMIT', /stack limit/);
  });

  it('survives source nested deeper than the parser can go, at the largest stack limit', async () => {
    // The parser uses the most native stack per byte of QuickJS stack; the worker
    // thread's native stack is sized so QuickJS reports the overflow, not V8.
    const code = `function main() { return ${'('.repeat(100_000)}1${')'.repeat(100_000)} }`;
    const result = await run(code, null, { level: 'PERMISSIVE' });
    // QuickJS's parser reports its own stack overflow as a SyntaxError.
    expectError(result, 'SYNTAX_ERROR', /stack overflow/);
    expect(expectOutput(await run('function main() { return "still here" }', null, { level: 'PERMISSIVE' }))).toBe('still here');
  });

  it('reports a thrown error as TOOL_ERROR with its message', async () => {
    expectError(await run('function main() { throw new Error("ledger is locked") }'), 'TOOL_ERROR', /^Error: ledger is locked$/);
    expectError(await run('function main() { throw "plain string" }'), 'TOOL_ERROR', /plain string/);
  });

  it('reports a syntax error as SYNTAX_ERROR', async () => {
    expectError(await run('function main( { return 1 }'), 'SYNTAX_ERROR', /SyntaxError/);
  });

  it('reports a missing entry function as NO_ENTRY, and honours a custom entry', async () => {
    expectError(await run('function helper() { return 1 }'), 'NO_ENTRY', /"main"/);
    expectError(await run('const main = 42'), 'NO_ENTRY');
    expect(expectOutput(await run('const run = (x) => x * 3', 5, { entry: 'run' }))).toBe(15);
  });

  it('rejects output that is not JSON as INVALID_OUTPUT', async () => {
    expectError(await run('function main() { return () => 1 }'), 'INVALID_OUTPUT');
    expectError(await run('function main() { }'), 'INVALID_OUTPUT', /undefined/);
    expectError(await run('function main() { const a = {}; a.self = a; return a }'), 'INVALID_OUTPUT', /circular/);
    expectError(await run('function main() { return { f: function () {} } }'), 'INVALID_OUTPUT', /function/);
    expect(expectOutput(await run('async function main() { return 1 }'))).toBe(1);
  });

  it('rejects output over maxOutputBytes as OUTPUT_TOO_LARGE', async () => {
    const result = await run('function main() { return "y".repeat(2000) }', null, { limits: { maxOutputBytes: 1000 } });
    expectError(result, 'OUTPUT_TOO_LARGE', /limit is 1000/);
    // Multi-byte characters count in UTF-8 bytes: 400 x 3 bytes + quotes > 1000.
    expectError(await run('function main() { return "€".repeat(400) }', null, { limits: { maxOutputBytes: 1000 } }), 'OUTPUT_TOO_LARGE');
  });

  it('rejects input that is not JSON before running anything', async () => {
    expectError(await sandbox.run({ code: 'function main(x) { return x }', input: { callback: () => 1 } }), 'INVALID_INPUT', /function/);
    expectError(await sandbox.run({ code: 'function main(x) { return x }', input: undefined }), 'INVALID_INPUT');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectError(await sandbox.run({ code: 'function main(x) { return x }', input: cyclic }), 'INVALID_INPUT');
    expectError(await sandbox.run({ code: 'function main(x) { return x }', input: { n: Number.NaN } }), 'INVALID_INPUT', /non-finite/);
  });

  it('gives the tool no host access: no require, process, fetch, timers', async () => {
    const code = `function main() {
      return {
        require: typeof require, process: typeof process, fetch: typeof fetch,
        globalProcess: typeof globalThis.process, setTimeout: typeof setTimeout,
        consoleLog: typeof console.log, consoleError: typeof console.error,
      };
    }`;
    expect(expectOutput(await run(code))).toEqual({
      require: 'undefined',
      process: 'undefined',
      fetch: 'undefined',
      globalProcess: 'undefined',
      setTimeout: 'undefined',
      consoleLog: 'function',
      consoleError: 'undefined',
    });
  });

  it('runs every call in a fresh context: globals from one call are gone in the next', async () => {
    const code = 'function main(input) { const seen = globalThis.leaked; globalThis.leaked = input; if (seen === undefined) return "fresh"; return "saw " + seen; }';
    // Sequential calls go to the first idle thread, so the same thread and WASM module serve both.
    expect(expectOutput(await run(code, 'first'))).toBe('fresh');
    expect(expectOutput(await run(code, 'second'))).toBe('fresh');
  });

  it('runs concurrent calls independently with correct results', async () => {
    const code = 'function main(input) { let acc = 0; for (let i = 0; i < 20000; i++) acc = (acc + i * input.seed) % 1000003; return { seed: input.seed, acc }; }';
    const expected = (seed: number): number => {
      let acc = 0;
      for (let i = 0; i < 20000; i++) acc = (acc + i * seed) % 1000003;
      return acc;
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const results = await Promise.all(seeds.map((seed) => run(code, { seed })));
    expect(results.map(expectOutput)).toEqual(seeds.map((seed) => ({ seed, acc: expected(seed) })));
  });

  it('terminates a thread stuck in native code via the wall-clock backstop, then recovers', async () => {
    // QuickJS checks its interrupt handler only between bytecode instructions.
    // JSON.stringify of a very deep object is one native call whose cycle check is
    // quadratic in depth (~25 s at this depth), so the CPU deadline cannot fire while
    // it runs: only terminating the thread stops it.
    const code = 'function main() { let o = {}; for (let i = 0; i < 200000; i++) o = { a: o }; return JSON.stringify(o).length }';
    const started = Date.now();
    const stuck = await run(code, null, { limits: { timeoutMs: 1000, maxStackBytes: 1 * MiB } });
    expectError(stuck, 'TIMEOUT', /within 1300 ms of wall-clock time; its worker thread was terminated/);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(expectOutput(await run('function main() { return "alive" }'))).toBe('alive');
  });

  it('rejects invalid limits as a caller error', async () => {
    await expect(sandbox.run({ code: 'function main() {}', input: null, limits: { timeoutMs: 0 } })).rejects.toThrow(RangeError);
    await expect(sandbox.run({ code: 'function main() {}', input: null, limits: { maxStackBytes: 64 * MiB } })).rejects.toThrow(/maxStackBytes/);
  });
});

describe("a tenant's part of the data directory", () => {
  it('lets a MODERATE call read only its own scope of the data directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ants-data-'));
    mkdirSync(join(root, 'tenant-a'));
    mkdirSync(join(root, 'tenant-b'));
    writeFileSync(join(root, 'tenant-a', 'rates.json'), '{"eur":1}');
    writeFileSync(join(root, 'tenant-b', 'rates.json'), '{"secret":true}');
    const scoped = createSandbox({ threads: 1, dataDir: root });
    try {
      const read = (path: string, dataScope: string) => scoped.run({ code: `function main() { return data.read(${JSON.stringify(path)}); }`, input: null, level: 'MODERATE', dataScope });
      expect(expectOutput(await read('rates.json', 'tenant-a'))).toBe('{"eur":1}');
      expectError(await read('../tenant-b/rates.json', 'tenant-a'), 'TOOL_ERROR', /PATH_OUTSIDE/);
      await expect(scoped.run({ code: 'function main() { return 1; }', input: null, level: 'MODERATE', dataScope: '../tenant-b' })).rejects.toThrow(/single path segment/);
    } finally {
      await scoped.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
