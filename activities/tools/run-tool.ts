import type { JsonObject, JsonValue } from '../../core/tasks/json.js';
import type { RunnableTool } from './loader.js';
import type { SandboxRequest, SandboxResult } from './sandbox/types.js';

export interface SandboxRunner {
  run(request: SandboxRequest): Promise<SandboxResult>;
}

export type ToolOutcome = { ok: true; output: JsonValue; durationMs: number } | { ok: false; error: string; durationMs: number };

/** Whether a tenant's tools may use a named credential (the operator's secrets file says which tenants may). */
export type SecretPolicy = (tenant: string, name: string) => boolean;

/**
 * One call of a prepared tool for a tenant: its input checked against its schema, its credential against the
 * tenant's, then the sandbox with exactly the tool's grants (level, hosts, that one credential name and no other).
 * Every failure is an outcome, never a throw: the caller reports it.
 */
export async function runTool(sandbox: SandboxRunner, tool: RunnableTool, input: JsonObject, tenant: string, secretAllowed: SecretPolicy): Promise<ToolOutcome> {
  const problems = tool.checkInput(input);
  if (problems.length > 0) return { ok: false, error: `INVALID_INPUT: ${problems.slice(0, 5).join('; ')}`, durationMs: 0 };
  if (tool.authSecret && !secretAllowed(tenant, tool.authSecret)) {
    return { ok: false, error: `AUTH_NOT_ALLOWED: the credential ${tool.authSecret} is not available to this tenant's tools`, durationMs: 0 };
  }
  const run = await sandbox.run({
    code: tool.script,
    entry: tool.entry,
    input,
    level: tool.level,
    allowedHosts: tool.allowedHosts,
    secretNames: tool.authSecret ? [tool.authSecret] : [],
    // MODERATE and up read the tenant's own part of the data directory.
    dataScope: tenant,
  });
  const durationMs = Math.round(run.durationMs);
  return run.ok ? { ok: true, output: run.output as JsonValue, durationMs } : { ok: false, error: `${run.error.code}: ${run.error.message}`, durationMs };
}
