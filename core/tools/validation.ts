/**
 * Validation of tool code before it is registered: parse it, apply the rules in
 * validation-rules.ts, check the entry and export shape, and produce the plain script
 * the sandbox runs (the sandbox takes scripts, not modules).
 */
import * as acorn from 'acorn';
import { placeOf } from './ast.js';
import { checkProgram, type ToolCodeProblem, type ToolCodeRule } from './validation-rules.js';

export type { ToolCodeProblem, ToolCodeRule } from './validation-rules.js';

export interface ValidateToolCodeOptions {
  /** Name of the top-level function the sandbox calls; default 'main'. */
  entry?: string;
}

export type ToolCodeValidation =
  | { ok: true; script: string; entry: string; usesNetwork: boolean }
  | { ok: false; problems: ToolCodeProblem[] };

const PARSE_OPTIONS = { ecmaVersion: 'latest', locations: true } as const;

type ParseOutcome = { ok: true; program: acorn.Program } | { ok: false; problem: ToolCodeProblem };

/**
 * Module first (so `export` is accepted), then script: a sloppy-mode script can hold
 * things a module cannot (e.g. `with`), which must be reported by their rule rather
 * than as a syntax error. When both fail, the module's error is reported, with one
 * exception: strict mode's refusal of `with` is the no-with rule.
 */
function parseToolCode(code: string): ParseOutcome {
  try {
    return { ok: true, program: acorn.parse(code, { ...PARSE_OPTIONS, sourceType: 'module' }) };
  } catch (moduleError) {
    try {
      return { ok: true, program: acorn.parse(code, { ...PARSE_OPTIONS, sourceType: 'script' }) };
    } catch {
      return { ok: false, problem: syntaxProblem(moduleError) };
    }
  }
}

function syntaxProblem(error: unknown): ToolCodeProblem {
  const message = error instanceof Error ? error.message : String(error);
  const loc = (error as { loc?: { line?: unknown; column?: unknown } } | null)?.loc;
  const line = typeof loc?.line === 'number' ? loc.line : 1;
  const column = typeof loc?.column === 'number' ? loc.column + 1 : 1;
  const rule: ToolCodeRule = /'with' in strict mode/.test(message) ? 'no-with' : 'syntax';
  return { rule, message: rule === 'no-with' ? '`with` makes every name ambiguous and is not allowed' : message, line, column };
}

function isEntryDeclaration(node: acorn.Node | null | undefined, entry: string): node is acorn.FunctionDeclaration {
  return (
    node !== null &&
    node !== undefined &&
    node.type === 'FunctionDeclaration' &&
    (node as acorn.FunctionDeclaration).id?.name === entry &&
    !(node as acorn.FunctionDeclaration).generator
  );
}

interface SourceEdit {
  start: number;
  end: number;
  text: string;
}

interface ExportShape {
  problems: ToolCodeProblem[];
  edits: SourceEdit[];
  hasEntry: boolean;
}

/**
 * Only the entry may be exported (`export [async] function main`, `export { main }`),
 * plus `export default`. Each export becomes an edit that removes the keyword by the
 * node's source range, so comments and formatting survive untouched.
 */
function examineTopLevel(program: acorn.Program, entry: string): ExportShape {
  const shape: ExportShape = { problems: [], edits: [], hasEntry: false };
  for (const statement of program.body) {
    if (isEntryDeclaration(statement, entry)) shape.hasEntry = true;
    if (statement.type === 'ExportNamedDeclaration') {
      if (statement.source) continue; // re-exports are refused by no-dynamic-import
      if (statement.declaration) {
        if (isEntryDeclaration(statement.declaration, entry)) shape.hasEntry = true;
        else shape.problems.push(exportProblem(statement, entry));
        shape.edits.push({ start: statement.start, end: statement.declaration.start, text: '' });
      } else {
        const onlyEntry = statement.specifiers.every((specifier) => specifier.local.type === 'Identifier' && specifier.local.name === entry);
        if (!onlyEntry) shape.problems.push(exportProblem(statement, entry));
        shape.edits.push({ start: statement.start, end: statement.end, text: '' });
      }
    } else if (statement.type === 'ExportDefaultDeclaration') {
      const declaration = statement.declaration;
      if (isEntryDeclaration(declaration, entry)) shape.hasEntry = true;
      const anonymous =
        (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && !declaration.id;
      shape.edits.push({ start: statement.start, end: declaration.start, text: anonymous ? '(' : '' });
      // An anonymous default function is not a valid statement in a script; as a
      // parenthesised expression it stays harmless and unreachable.
      if (anonymous) shape.edits.push({ start: declaration.end, end: declaration.end, text: ');' });
    }
  }
  return shape;
}

function exportProblem(node: acorn.Node, entry: string): ToolCodeProblem {
  return { rule: 'only-entry-export', message: `only the entry function \`${entry}\` (and export default) may be exported`, ...placeOf(node) };
}

function applyEdits(code: string, edits: readonly SourceEdit[]): string {
  let script = code;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    script = script.slice(0, edit.start) + edit.text + script.slice(edit.end);
  }
  return script;
}

export function validateToolCode(code: string, options: ValidateToolCodeOptions = {}): ToolCodeValidation {
  const entry = options.entry ?? 'main';
  const parsed = parseToolCode(code);
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };

  let findings;
  try {
    findings = checkProgram(parsed.program);
  } catch (error) {
    // Only pathological nesting gets here (the checks recurse over the tree); refuse rather than guess.
    if (!(error instanceof RangeError)) throw error;
    return { ok: false, problems: [{ rule: 'syntax', message: 'the code is nested too deeply to be checked', line: 1, column: 1 }] };
  }
  const shape = examineTopLevel(parsed.program, entry);
  const problems = [...findings.problems, ...shape.problems];
  if (!shape.hasEntry) {
    problems.push({
      rule: 'entry-required',
      message: `a top-level function declaration named \`${entry}\` is required (optionally exported, optionally async)`,
      line: 1,
      column: 1,
    });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, problems };
  }
  return { ok: true, script: applyEdits(code, shape.edits), entry, usesNetwork: findings.usesNetwork };
}
