import { Context } from '@temporalio/activity';
import { whileHeartbeating } from '../heartbeat.js';
import { readPath, type JsonObject } from '../../core/tasks/json.js';
import type { ExecuteRequest } from '../../core/tasks/steps.js';
import type { ToolCall, ToolRunResult } from '../../core/tasks/task.js';
import type { ToolLoader } from './loader.js';
import type { ToolRegistry } from './registry/ports.js';
import { runTool, type SandboxRunner, type SecretPolicy } from './run-tool.js';

export interface ToolsDeps {
  sandbox: SandboxRunner;
  tools: ToolLoader;
  /** Where registry tools' runs are recorded (their stats and promotion); absent: built-in tools only. */
  registry?: ToolRegistry;
  /** Which credentials a tenant's tools may use; none when absent. */
  secretAllowed?: SecretPolicy;
  heartbeatIntervalMs?: number;
}

const NO_SECRETS: SecretPolicy = () => false;

/** The step's input with the fields it takes from the previous step's output filled in. */
function inputFor(step: ToolCall, previous: ToolRunResult | undefined): JsonObject {
  if (!step.fromPrevious) return step.input;
  const input: JsonObject = { ...step.input };
  for (const [field, path] of Object.entries(step.fromPrevious)) {
    const value = readPath(previous?.output ?? null, path);
    if (value !== undefined) input[field] = value;
  }
  return input;
}

/**
 * Execute: runs each tool call of the plan in the sandbox, in order. Tool code has no effects ANTS must undo (tools
 * read through their allow-listed hosts; effects wait for approval), so re-running a step after a crash is harmless,
 * and each registry tool's run is recorded once under `task:<id>:<attempt>:<step>`. A failing tool is reported, not
 * thrown, so Verify can send the task back to Reason with the reason.
 */
export function createToolsActivities({ sandbox, tools, registry, secretAllowed = NO_SECRETS, heartbeatIntervalMs = 2000 }: ToolsDeps) {
  return {
    async executePlan({ task, attempt, steps }: ExecuteRequest): Promise<ToolRunResult[]> {
      const context = Context.current();
      return whileHeartbeating(async () => {
        const results: ToolRunResult[] = [];
        for (const [index, step] of steps.entries()) {
          context.heartbeat({ tool: step.tool });
          const lookup = await tools.load(task.tenant, step.tool);
          if (!lookup.found) {
            results.push({ tool: step.tool, ok: false, output: null, error: lookup.reason, durationMs: 0 });
            break;
          }
          const { tool } = lookup;
          if (tool.sideEffects) {
            // A task proposes effects and a person (or the delegation policy) lets them through; a tool that writes
            // to the outside world would bypass that, and a retried step would write twice.
            results.push({ tool: tool.ref, ok: false, output: null, error: `${tool.ref} changes the outside world: a task's tools may only read (its effects are applied after approval)`, durationMs: 0 });
            break;
          }
          const outcome = await runTool(sandbox, tool, inputFor(step, results.at(-1)), task.tenant, secretAllowed);
          if (tool.registered && registry) {
            const error = outcome.ok ? undefined : outcome.error;
            const runId = `task:${task.taskId}:${attempt}:${index}`;
            await registry.recordRun(task.tenant, { runId, toolId: tool.ref, ok: outcome.ok, durationMs: outcome.durationMs, ...(error ? { error } : {}) });
          }
          results.push(outcome.ok ? { tool: tool.ref, ok: true, output: outcome.output, durationMs: outcome.durationMs } : { tool: tool.ref, ok: false, output: null, error: outcome.error, durationMs: outcome.durationMs });
          if (!outcome.ok) break;
        }
        return results;
      }, heartbeatIntervalMs);
    },
  };
}
export type ToolsActivities = ReturnType<typeof createToolsActivities>;
