import { ApplicationFailure } from '@temporalio/activity';
import { whileHeartbeating } from '../heartbeat.js';
import type { JsonObject, JsonValue } from '../../core/tasks/json.js';
import { toolDraftSchema, type ToolDraft, type ToolRecord, type ToolStatus } from '../../core/tools/tool.js';
import { validateToolCode } from '../../core/tools/validation.js';
import { parseInput } from '../../core/validation.js';
import { BUILTIN_TOOL_NAMES, type BuiltinToolName } from './builtin/index.js';
import type { ToolLoader } from './loader.js';
import type { ToolRegistry } from './registry/ports.js';
import { runTool, type SandboxRunner, type SecretPolicy } from './run-tool.js';

/** A tool as callers see it in results: everything but the code. */
export type ToolSummary = Omit<ToolRecord, 'code'>;

export function summarize({ code: _code, ...tool }: ToolRecord): ToolSummary {
  return tool;
}

export interface ToolRunRequest {
  tenant: string;
  /** A tool name or `name@version`. */
  ref: string;
  input: JsonObject;
  /** The business id of this run: the stats count it once however often the activity is retried. */
  runId: string;
}

export interface ToolRunOutcome {
  toolId: string;
  /** Deprecated tools followed to their replacement on the way. */
  replaced: string[];
  ok: boolean;
  output: JsonValue;
  error?: string;
  durationMs: number;
  status: ToolStatus;
  promoted: boolean;
}

export interface VerifyToolRequest {
  tenant: string;
  draft: ToolDraft;
  /** Inputs to try the tool with (an API's list call, its documented examples); none: validation only. */
  trials: JsonObject[];
}

export interface VerifyToolResult {
  passed: boolean;
  /** Validation problems and failed trials, each naming where or which. */
  problems: string[];
  trials: { input: JsonObject; ok: boolean; error?: string; durationMs: number }[];
}

export interface RegistryDeps {
  sandbox: SandboxRunner;
  tools: ToolLoader;
  registry: ToolRegistry;
  secretAllowed?: SecretPolicy;
}

/** The registry's activities on the `tools` pool: only this pool runs tool code. */
export function createToolRegistryActivities({ sandbox, tools, registry, secretAllowed = () => false }: RegistryDeps) {
  return {
    runRegisteredTool: ({ tenant, ref, input, runId }: ToolRunRequest): Promise<ToolRunOutcome> => whileHeartbeating(async () => {
      const lookup = await tools.load(tenant, ref);
      if (!lookup.found) throw ApplicationFailure.nonRetryable(lookup.reason, 'ToolNotFound');
      if (!lookup.tool.registered) throw ApplicationFailure.nonRetryable(`${ref} is a built-in tool: tasks run it`, 'ToolNotFound');
      const outcome = await runTool(sandbox, lookup.tool, input, tenant, secretAllowed);
      const error = outcome.ok ? undefined : outcome.error;
      const recorded = await registry.recordRun(tenant, { runId, toolId: lookup.tool.ref, ok: outcome.ok, durationMs: outcome.durationMs, ...(error ? { error } : {}) });
      return {
        toolId: lookup.tool.ref,
        replaced: lookup.replaced,
        ok: outcome.ok,
        output: outcome.ok ? outcome.output : null,
        ...(error ? { error } : {}),
        durationMs: outcome.durationMs,
        status: recorded.tool.status,
        promoted: recorded.promoted,
      };
    }),

    /** Validation, then trial runs in the sandbox; nothing is stored. */
    verifyTool: ({ tenant, draft, trials }: VerifyToolRequest): Promise<VerifyToolResult> => whileHeartbeating(async () => {
      const parsed = parseInput(toolDraftSchema, draft, 'tool');
      const validated = validateToolCode(parsed.code, { entry: parsed.entry });
      if (!validated.ok) {
        return { passed: false, problems: validated.problems.map((p) => `${p.rule} at ${p.line}:${p.column}: ${p.message}`), trials: [] };
      }
      let prepared;
      try {
        prepared = tools.prepare({ ...parsed, authSecret: parsed.authSecret ?? null, ref: `${parsed.name}@candidate`, version: 'candidate' });
      } catch (error) {
        return { passed: false, problems: [error instanceof Error ? error.message : String(error)], trials: [] };
      }
      const results: VerifyToolResult['trials'] = [];
      for (const input of trials) {
        const outcome = await runTool(sandbox, prepared, input, tenant, secretAllowed);
        results.push(outcome.ok ? { input, ok: true, durationMs: outcome.durationMs } : { input, ok: false, error: outcome.error, durationMs: outcome.durationMs });
      }
      const problems = results.filter((t) => !t.ok).map((t) => `trial ${JSON.stringify(t.input).slice(0, 200)} failed: ${t.error ?? 'unknown error'}`);
      return { passed: problems.length === 0, problems, trials: results };
    }),

    /** Idempotent: the same definition under the same name is the existing version. */
    registerTool: ({ tenant, draft, creator }: { tenant: string; draft: ToolDraft; creator: string }): Promise<{ tool: ToolSummary; created: boolean }> => whileHeartbeating(async () => {
      const parsed = parseInput(toolDraftSchema, draft, 'tool');
      // A built-in tool of the same name would always win at run time: the registered one could never be called.
      if (BUILTIN_TOOL_NAMES.includes(parsed.name as BuiltinToolName)) throw ApplicationFailure.nonRetryable(`${parsed.name} is the name of a built-in tool`, 'InvalidTool');
      const validated = validateToolCode(parsed.code, { entry: parsed.entry });
      if (!validated.ok) throw ApplicationFailure.nonRetryable(`tool ${parsed.name} fails validation: ${validated.problems.map((p) => p.rule).join(', ')}`, 'InvalidTool');
      const { tool, created } = await registry.register(tenant, { ...parsed, creator });
      return { tool: summarize(tool), created };
    }),

    /**
     * The tenant's usable tools generated from an API source, by operation: what a task can use at once and a
     * capability request need not build again.
     */
    async findSourceTools({ tenant, sourceUrl, authSecret }: { tenant: string; sourceUrl: string; authSecret: string | null }): Promise<Record<string, string>> {
      const found = await registry.search(tenant, { sourceUrl, authSecret, sort: 'recent', limit: 500 });
      const byOperation: Record<string, string> = {};
      for (const tool of found) {
        if (tool.status === 'deprecated' || !tool.operationId || byOperation[tool.operationId]) continue;
        byOperation[tool.operationId] = tool.name;
      }
      return byOperation;
    },
  };
}
export type ToolRegistryActivities = ReturnType<typeof createToolRegistryActivities>;
