import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateToolCode, type ToolCodeProblem, type ToolCodeRule } from '../../core/tools/validation.js';

const BUILTIN_DIR = fileURLToPath(new URL('../../activities/tools/builtin/', import.meta.url));

function problemsOf(code: string, entry?: string): ToolCodeProblem[] {
  const result = validateToolCode(code, entry === undefined ? {} : { entry });
  return result.ok ? [] : result.problems;
}

function rulesOf(code: string): ToolCodeRule[] {
  return problemsOf(code).map((problem) => problem.rule);
}

function expectRefused(code: string, rule: ToolCodeRule, line?: number, column?: number): void {
  const found = problemsOf(code).filter((problem) => problem.rule === rule);
  expect(found, `expected ${rule} for:\n${code}\ngot ${JSON.stringify(problemsOf(code))}`).not.toHaveLength(0);
  if (line !== undefined) expect(found[0]?.line).toBe(line);
  if (column !== undefined) expect(found[0]?.column).toBe(column);
}

function expectAccepted(code: string): { script: string; usesNetwork: boolean } {
  const result = validateToolCode(code, {});
  if (!result.ok) throw new Error(`expected acceptance, got ${JSON.stringify(result.problems)}`);
  return result;
}

describe('validateToolCode: each rule, with its location', () => {
  it('no-eval: direct, indirect, through the global object and spelled in pieces', () => {
    expectRefused('function main() {\n  return eval("1");\n}', 'no-eval', 2, 10);
    expectRefused('function main() { return (0, eval)("1"); }', 'no-eval', 1, 30);
    expectRefused('function main() { return globalThis.eval("1"); }', 'no-eval', 1, 37);
    expectRefused('function main() { return window["eval"]("1"); }', 'no-eval');
    expectRefused('function main() { return self.eval("1"); }', 'no-eval');
    expectRefused("function main() { return globalThis['ev' + 'al']('1'); }", 'no-eval', 1, 37);
    expectRefused('function main() { const e = eval; return e("1"); }', 'no-eval');
  });

  it('no-function-constructor: Function, its aliases, .constructor however spelled, Reflect.construct', () => {
    expectRefused('function main() { return new Function("return 1")(); }', 'no-function-constructor', 1, 30);
    expectRefused('function main() { return Function("return 1")(); }', 'no-function-constructor');
    expectRefused('const F = Function;\nfunction main() { return new F("x"); }', 'no-function-constructor', 1, 11);
    expectRefused('function main() { return main.constructor("return 1")(); }', 'no-function-constructor', 1, 31);
    expectRefused("function main() { return main['constructor']('return 1')(); }", 'no-function-constructor');
    expectRefused("function main() { return this['constr' + 'uctor']; }", 'no-function-constructor', 1, 31);
    expectRefused("function main() { const key = 'constr' + 'uctor'; return main[key]; }", 'no-function-constructor');
    expectRefused('function main() { const { constructor: C } = main; return C; }', 'no-function-constructor');
    expectRefused('async function main() { return (async () => {}).constructor("return 1"); }', 'no-function-constructor');
    expectRefused('function main() { return Object.getPrototypeOf(function* () {}).constructor; }', 'no-function-constructor');
    expectRefused('function main() { return Reflect.construct(Array, []); }', 'no-function-constructor');
    expectRefused("function main() { return Reflect.get(main, 'constructor'); }", 'no-function-constructor');
    expectRefused('function main() { return globalThis.Function; }', 'no-function-constructor');
  });

  it('no-dynamic-member-access: unknown keys on functions, built-ins, globals, this and chained lookups', () => {
    expectRefused('function main(input) { return String[input.key]; }', 'no-dynamic-member-access', 1, 38);
    expectRefused('function main(input) { return main[input.key]; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { return globalThis[input.key]; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { return this[input.key]; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { return [].map[input.key]; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { return input[input.a][input.b]; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { const first = input[input.a]; return first[input.b]; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { const { [input.key]: value } = main; return value; }', 'no-dynamic-member-access');
    expectRefused('function main(input) { return Reflect.get(main, input.key); }', 'no-dynamic-member-access');
  });

  it('no-dynamic-import: import(), import declarations, import.meta and re-exports', () => {
    expectRefused('async function main() { return import("fs"); }', 'no-dynamic-import', 1, 32);
    expectRefused('import fs from "fs";\nexport function main() {}', 'no-dynamic-import', 1, 1);
    expectRefused('function main() { return import.meta.url; }', 'no-dynamic-import');
    expectRefused('export * from "fs";\nfunction main() {}', 'no-dynamic-import');
  });

  it('no-require and no-process', () => {
    expectRefused('function main() {\n  const fs = require("fs");\n}', 'no-require', 2, 14);
    expectRefused('function main() { return module.exports; }', 'no-require');
    expectRefused('function main() { return globalThis.require; }', 'no-require');
    expectRefused('function main() { return process.env.SECRET; }', 'no-process', 1, 26);
    expectRefused('function main() { return globalThis.process; }', 'no-process');
  });

  it('no-global-tampering: writes, defineProperty, delete, implicit globals, aliases of the global object, top-level this', () => {
    expectRefused('function main() { globalThis.fetch = null; }', 'no-global-tampering', 1, 19);
    expectRefused('function main() { self.x = 1; window.y = 2; global.z = 3; }', 'no-global-tampering');
    expectRefused('function main() { Object.defineProperty(globalThis, "x", { value: 1 }); }', 'no-global-tampering', 1, 41);
    expectRefused('function main() { delete globalThis.JSON; }', 'no-global-tampering');
    expectRefused('function main() { delete Math.max; }', 'no-global-tampering');
    expectRefused('function main() { JSON.parse = (text) => text; }', 'no-global-tampering');
    expectRefused('function main() { leaked = 1; }', 'no-global-tampering', 1, 19);
    expectRefused('function main() { const g = globalThis; g.x = 1; }', 'no-global-tampering');
    expectRefused('this.x = 1;\nfunction main() {}', 'no-global-tampering', 1, 1);
  });

  it('no-with (a sloppy script, and inside a module)', () => {
    expectRefused('function main(o) {\n  with (o) { return a; }\n}', 'no-with', 2, 3);
    expectRefused('export function main(o) { with (o) { return a; } }', 'no-with');
  });

  it('no-builtin-prototype-mutation: assignments, defineProperty, setPrototypeOf, __proto__, aliases', () => {
    expectRefused('function main() { Array.prototype.sum = function () { return 0; }; }', 'no-builtin-prototype-mutation', 1, 19);
    expectRefused('function main() { Object.prototype.polluted = true; }', 'no-builtin-prototype-mutation');
    expectRefused('function main() { Object.defineProperty(String.prototype, "x", { value: 1 }); }', 'no-builtin-prototype-mutation');
    expectRefused('function main() { Object.setPrototypeOf(Function.prototype, null); }', 'no-builtin-prototype-mutation');
    expectRefused('function main() { const o = {}; o.__proto__ = null; }', 'no-builtin-prototype-mutation');
    expectRefused('function main() { const p = Array.prototype; p.first = 1; }', 'no-builtin-prototype-mutation');
    expectRefused('function main() { Array.prototype = []; }', 'no-builtin-prototype-mutation');
    expectRefused('function main() { Object.getPrototypeOf([]).x = 1; }', 'no-builtin-prototype-mutation');
  });

  it('entry-required: a top-level, non-generator function with the entry name', () => {
    expectRefused('function mian() {}', 'entry-required', 1, 1);
    expectRefused('const main = () => 1;', 'entry-required');
    expectRefused('function outer() { function main() {} }', 'entry-required');
    expectRefused('function* main() {}', 'entry-required');
    expect(rulesOf('function run() {}')).toEqual(['entry-required']);
    expect(validateToolCode('function run() {}', { entry: 'run' }).ok).toBe(true);
    expect(validateToolCode('export async function main() {}', {}).ok).toBe(true);
  });

  it('only-entry-export: other exports are refused, the entry and export default are not', () => {
    expectRefused('export const x = 1;\nexport function main() {}', 'only-entry-export', 1, 1);
    expectRefused('function helper() {}\nfunction main() {}\nexport { main, helper };', 'only-entry-export', 3, 1);
    expect(validateToolCode('function main() {}\nexport { main };', {}).ok).toBe(true);
    expect(validateToolCode('export default function main() {}', {}).ok).toBe(true);
  });

  it('network-error-handling: http calls need a catch', () => {
    expectRefused('async function main() {\n  return await http.request({ url: "https://x.test" });\n}', 'network-error-handling', 2, 16);
    expectRefused('async function main() { try { await http.get("u"); } finally { } }', 'network-error-handling');
    expectRefused('async function main() { try { } catch (e) { await http.post("u", {}); } }', 'network-error-handling');
    expectRefused('async function main() { const r = http.request; return r({}); }', 'network-error-handling');
    expectRefused('async function main() { return http.get("u").then((r) => r); }', 'network-error-handling');
    const accepted = expectAccepted(
      [
        'async function main(input) {',
        '  try { return await http.request({ url: input.url }); } catch (error) { throw new Error("failed: " + error.message); }',
        '}',
        'function other() { return http.get("u").catch(() => null); }',
        'function third() { return http.post("u", {}).then((r) => r.json()).then((j) => j, (e) => null); }',
        'async function batch(ids) { try { return await Promise.all(ids.map((id) => http.get("u/" + id))); } catch (e) { return []; } }',
      ].join('\n'),
    );
    expect(accepted.usesNetwork).toBe(true);
    expect(expectAccepted('function main() { return 1; }').usesNetwork).toBe(false);
  });

  it('syntax: acorn\'s message and location', () => {
    const [problem, ...rest] = problemsOf('function main() {\n  return 1 +;\n}');
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ rule: 'syntax', line: 2, column: 13 });
    expect(problem?.message).toMatch(/Unexpected token/);
  });

  it('reports every problem, in source order, not just the first', () => {
    const code = 'function mian() {\n  eval("1");\n  require("fs");\n  process.exit(1);\n}';
    expect(problemsOf(code).map((problem) => `${problem.rule}@${problem.line}`)).toEqual(['entry-required@1', 'no-eval@2', 'no-require@3', 'no-process@4']);
  });
});

describe('validateToolCode: ordinary code is not refused', () => {
  it('accepts the built-in tools as they are', () => {
    const files = readdirSync(BUILTIN_DIR).filter((file) => file.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const result = validateToolCode(readFileSync(`${BUILTIN_DIR}${file}`, 'utf8'), {});
      expect(result.ok ? [] : result.problems, file).toEqual([]);
    }
  });

  it('accepts data lookups, own prototypes, local names that shadow globals, and constructor as data', () => {
    const code = [
      'const WEIGHTS = { low: 1, high: 3 };',
      'class Counter { constructor() { this.count = 0; } add() { this.count += 1; return this; } }',
      'function Point(x) { this.x = x; }',
      'Point.prototype.double = function () { return this.x * 2; };',
      'export function main(input) {',
      '  const totals = {};',
      '  for (const item of input.items) totals[item.kind] = (totals[item.kind] ?? 0) + WEIGHTS[item.level];',
      '  const rows = input.rows.map((row, index) => ({ index, first: row[0], named: input.names[index] }));',
      '  const process = (value) => value * 2;',
      '  const config = { constructor: 1, eval: false };',
      '  const { a, b: [c] } = input.pair;',
      '  const copy = Object.assign({}, input.defaults, { x: 1 });',
      '  const head = Array.prototype.slice.call(input.items, 0, 1);',
      '  return { totals, rows, doubled: process(2), config, a, c, copy, head, n: new Counter().add().count, p: new Point(2).double() };',
      '}',
    ].join('\n');
    expectAccepted(code);
  });
});

describe('validateToolCode: the script it returns', () => {
  it('removes export keywords by source range and keeps everything else byte for byte', () => {
    const code = '// header\nexport async function main(input) {\n  return input; // echo\n}\n';
    expect(expectAccepted(code).script).toBe('// header\nasync function main(input) {\n  return input; // echo\n}\n');
  });

  it('turns export lists and export default into plain statements', () => {
    expect(expectAccepted('function main() { return 1; }\nexport { main };').script).toBe('function main() { return 1; }\n');
    expect(expectAccepted('export default function main() { return 1; }').script).toBe('function main() { return 1; }');
    expect(expectAccepted('export default function () {}\nfunction main() {}').script).toBe('(function () {});\nfunction main() {}');
    expect(expectAccepted('export default 42;\nfunction main() {}').script).toBe('42;\nfunction main() {}');
  });

  it('returns a script that is itself valid as a plain script', () => {
    const { script } = expectAccepted('export function main(input) { return input; }');
    expect(validateToolCode(script, {})).toMatchObject({ ok: true, script });
  });
});

describe('validateToolCode: more bypass attempts', () => {
  it('sees through destructuring aliases of built-ins and prototypes', () => {
    expectRefused('function main() { const { prototype: P } = Array; P.first = 1; }', 'no-builtin-prototype-mutation');
    expectRefused('function main(input) { const { max } = Math; return max[input.key]; }', 'no-dynamic-member-access');
    expectRefused('function main() { const { eval: run } = globalThis; }', 'no-eval');
  });

  it('refuses timers given text to evaluate, not timers given functions', () => {
    expectRefused('function main() { setTimeout("globalThis.x = 1", 0); }', 'no-eval', 1, 30);
    expectRefused("function main() { const code = 'x'; setInterval(code, 5); }", 'no-eval');
    expectAccepted('function main(callback) { setTimeout(() => 1, 0); setTimeout(callback, 0); }');
  });

  it('refuses reaching http through the global object (its error handling could not be checked)', () => {
    expectRefused('async function main() { try { return await globalThis.http.request({}); } catch (e) { return null; } }', 'network-error-handling');
    expectRefused('async function main() { const { request } = http; return request({}); }', 'network-error-handling');
  });

  it('a top-level `var` without a value does not hide the global it names', () => {
    expectRefused('var eval;\nfunction main() { return eval("1"); }', 'no-eval', 2, 26);
    expectRefused('var globalThis;\nfunction main() { globalThis.x = 1; }', 'no-global-tampering');
    expectRefused('var Function;\nfunction main() { return Function("return 1"); }', 'no-function-constructor');
    expectAccepted('var total;\nfunction main() { total = 1; return total; }');
    expectAccepted('function main() { var eval2; return eval2; }');
  });

  it('treats `arguments` inside functions as the call\'s own data', () => {
    expectAccepted('function main() { const first = arguments[0]; return first; }');
  });
});

describe('validateToolCode: a realistic modern tool', () => {
  it('accepts classes with private fields, defaults, rest, ??=, labels, regexes and a guarded http call', () => {
    const code = [
      "'use strict';",
      "const FIELDS = ['id', 'amount'];",
      'class Totals {',
      '  static zero = 0;',
      '  #sum = 0;',
      '  constructor(currency) { this.currency = currency; this.byDay = new Map(); }',
      "  add(entry) { this.#sum += entry.amount; const day = entry.created?.slice(0, 10) ?? 'unknown'; this.byDay.set(day, (this.byDay.get(day) ?? 0) + entry.amount); return this; }",
      '  get sum() { return this.#sum; }',
      '}',
      'function pick(record, fields) { return Object.fromEntries(fields.map((field) => [field, record[field]])); }',
      'export default async function main(input) {',
      "  const { items = [], currency = 'EUR', ...rest } = input ?? {};",
      '  const totals = items.reduce((acc, item) => acc.add(item), new Totals(currency));',
      '  const grouped = {};',
      '  for (const item of items) (grouped[item.kind] ??= []).push(pick(item, FIELDS));',
      "  const sorted = [...items].sort((a, b) => a[input.sortBy ?? 'amount'] - b[input.sortBy ?? 'amount']);",
      '  let page;',
      "  try { page = await http.get('https://api.example.com/x?' + new URLSearchParams({ a: '1' })); } catch (error) { throw new Error(`failed: ${error.message}`); }",
      '  const data = page.json();',
      "  const matches = /^(\\d+)-(\\w+)$/.exec(String(data.ref ?? ''));",
      '  outer: for (let i = 0; i < 3; i++) { if (i > 1) break outer; }',
      '  return { sum: totals.sum, days: Object.fromEntries(totals.byDay), grouped, first: sorted[0] ?? null, matches, rest, when: new Date(0).toISOString() };',
      '}',
    ].join('\n');
    expect(expectAccepted(code).usesNetwork).toBe(true);
  });
});
