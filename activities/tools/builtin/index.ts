/**
 * The tools that ship with ANTS. Each is a plain JavaScript file in this folder that
 * runs in the sandbox (see ../sandbox); the source is read at run time so that what
 * the sandbox executes is exactly the file on disk, never a compiled copy of it.
 */
import { readFile } from 'node:fs/promises';

export interface BuiltinTool {
  name: string;
  version: string;
  code: string;
}

/** Bump a tool's version whenever its file changes behaviour: results are recorded with it. */
const BUILTIN_TOOLS = {
  'finance.match_transactions': { file: 'match-transactions.js', version: '1.0.0' },
  'finance.charges_to_payments': { file: 'charges-to-payments.js', version: '1.0.0' },
  'hr.onboarding_checklist': { file: 'onboarding-checklist.js', version: '1.0.0' },
  'secops.triage_alert': { file: 'triage-alert.js', version: '1.0.0' },
  'secops.investigate': { file: 'investigate-indicators.js', version: '1.0.0' },
  'secops.contain': { file: 'contain-threat.js', version: '1.0.0' },
  'secops.notify': { file: 'notify-threat.js', version: '1.0.0' },
} as const satisfies Record<string, { file: string; version: string }>;

export type BuiltinToolName = keyof typeof BUILTIN_TOOLS;

export const BUILTIN_TOOL_NAMES = Object.keys(BUILTIN_TOOLS) as readonly BuiltinToolName[];

function isBuiltinToolName(name: string): name is BuiltinToolName {
  return Object.hasOwn(BUILTIN_TOOLS, name);
}

/** Files are read once per process; the promise is cached so concurrent callers share one read. */
const sources = new Map<BuiltinToolName, Promise<string>>();

/**
 * The tool's source, or undefined if no built-in tool has that name (the tools
 * activity reports an unknown tool instead of failing).
 */
export async function loadBuiltinTool(name: string): Promise<BuiltinTool | undefined> {
  if (!isBuiltinToolName(name)) return undefined;
  const { file, version } = BUILTIN_TOOLS[name];
  let source = sources.get(name);
  if (source === undefined) {
    source = readFile(new URL(`./${file}`, import.meta.url), 'utf8');
    sources.set(name, source);
    // A failed read must not be cached forever.
    source.catch(() => sources.delete(name));
  }
  return { name, version, code: await source };
}
