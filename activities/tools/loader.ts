import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonObject } from '../../core/tasks/json.js';
import type { ToolLevel, ToolRecord } from '../../core/tools/tool.js';
import { validateToolCode } from '../../core/tools/validation.js';
import type { BuiltinTool } from './builtin/index.js';
import type { ToolRegistry } from './registry/ports.js';

/** A tool ready for the sandbox: the script it runs and what it is granted. */
export interface RunnableTool {
  /** What results and stats name: the registry id (`name@version`), or the built-in tool's name. */
  ref: string;
  name: string;
  version: string;
  /** Registry tools have their runs recorded; built-in ones are part of the release. */
  registered: boolean;
  script: string;
  entry: string;
  level: ToolLevel;
  allowedHosts: string[];
  authSecret: string | null;
  /** Running it changes the outside world (see ToolRecord.sideEffects). */
  sideEffects: boolean;
  /** Problems of an input against the tool's JSON schema (empty: acceptable). */
  checkInput(input: unknown): string[];
}

export type ToolLookup = { found: true; tool: RunnableTool; replaced: string[] } | { found: false; reason: string };

/** A deprecated tool points at its replacement; a chain longer than this is a loop or a mess, and is refused. */
const MAX_REPLACEMENT_HOPS = 5;

export interface ToolLoaderDeps {
  builtin(name: string): Promise<BuiltinTool | undefined>;
  registry?: ToolRegistry;
}

export interface ToolLoader {
  load(tenant: string, ref: string): Promise<ToolLookup>;
  /** The same preparation for a tool that is not registered yet (verification before registration). */
  prepare(tool: Pick<ToolRecord, 'name' | 'code' | 'entry' | 'level' | 'allowedHosts' | 'authSecret' | 'inputSchema' | 'sideEffects'> & { ref: string; version: string }): RunnableTool;
}

/**
 * A tool's schema is the tenant's; its regular expressions would run on the tools pool's own thread, outside any
 * sandbox deadline, where one catastrophic pattern stalls every tenant's calls. So `pattern`/`patternProperties` are
 * not checked on the host (the tool checks its own input, inside the sandbox); a level that loses its
 * patternProperties also stops refusing additional properties, rather than refusing the ones they allowed.
 */
export function withoutRegexKeywords(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRegexKeywords);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema as Record<string, unknown>);
  const hadPatternProperties = entries.some(([key]) => key === 'patternProperties');
  return Object.fromEntries(
    entries
      .filter(([key, value]) => key !== 'pattern' && key !== 'patternProperties' && !(hadPatternProperties && key === 'additionalProperties' && value === false))
      .map(([key, value]) => [key, key === 'properties' || key === '$defs' || key === 'definitions' ? mapValues(value) : withoutRegexKeywords(value)]),
  );
}

/** Under `properties` and `$defs` the keys are names, not keywords: only their values are schemas. */
function mapValues(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, schema]) => [name, withoutRegexKeywords(schema)]));
}

export function createToolLoader({ builtin, registry }: ToolLoaderDeps): ToolLoader {
  // Not allErrors: on hostile input, collecting every error is work the pool does for nothing.
  const ajv = new Ajv({ strict: false });
  // Parsing and schema compilation are the expensive part of a warm call; a tool's definition never changes under
  // its hash, so both are cached by it.
  const prepared = new Map<string, RunnableTool>();

  const prepare: ToolLoader['prepare'] = (tool) => {
    const validated = validateToolCode(tool.code, { entry: tool.entry });
    if (!validated.ok) {
      const first = validated.problems[0];
      throw new Error(`tool ${tool.ref} does not pass validation: ${first ? `${first.rule} at ${first.line}:${first.column}: ${first.message}` : 'unknown problem'}`);
    }
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(withoutRegexKeywords(tool.inputSchema) as JsonObject);
    } catch (error) {
      throw new Error(`tool ${tool.ref} has an invalid input schema: ${error instanceof Error ? error.message : String(error)}`);
    }
    return {
      ref: tool.ref,
      name: tool.name,
      version: tool.version,
      registered: true,
      script: validated.script,
      entry: validated.entry,
      level: tool.level,
      allowedHosts: tool.allowedHosts,
      authSecret: tool.authSecret,
      sideEffects: tool.sideEffects,
      checkInput: (input) => (validate(input) ? [] : (validate.errors ?? []).map((e) => `input${e.instancePath} ${e.message ?? 'is invalid'}`)),
    };
  };

  const fromRecord = (record: ToolRecord): RunnableTool => {
    const cached = prepared.get(record.definitionSha256);
    if (cached && cached.ref === record.id) return cached;
    const tool = prepare({ ...record, ref: record.id, version: String(record.version) });
    if (prepared.size > 1000) prepared.clear();
    prepared.set(record.definitionSha256, tool);
    return tool;
  };

  return {
    prepare,
    async load(tenant, ref) {
      const shipped = await builtin(ref);
      if (shipped) {
        return {
          found: true,
          replaced: [],
          tool: { ref: shipped.name, name: shipped.name, version: shipped.version, registered: false, script: shipped.code, entry: 'main', level: 'RESTRICTED', allowedHosts: [], authSecret: null, sideEffects: false, checkInput: () => [] },
        };
      }
      if (!registry) return { found: false, reason: `unknown tool "${ref}"` };
      let record = await registry.resolve(tenant, ref);
      if (!record) return { found: false, reason: `unknown tool "${ref}"` };
      const replaced: string[] = [];
      while (record.status === 'deprecated') {
        if (!record.replacementId) return { found: false, reason: `tool ${record.id} is deprecated and has no replacement` };
        if (replaced.length >= MAX_REPLACEMENT_HOPS || replaced.includes(record.id)) return { found: false, reason: `tool ${ref} has a replacement chain that does not end` };
        replaced.push(record.id);
        const next = await registry.get(tenant, record.replacementId);
        if (!next) return { found: false, reason: `tool ${record.id} points at a missing replacement ${record.replacementId}` };
        record = next;
      }
      try {
        return { found: true, tool: fromRecord(record), replaced };
      } catch (error) {
        // Stored code that no longer passes (the rules grew stricter) is a tool that cannot run, not a broken step.
        return { found: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
