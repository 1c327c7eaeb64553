import { Context } from '@temporalio/activity';
import type { JsonValue } from '../../core/tasks/json.js';
import type { ExecuteRequest } from '../../core/tasks/steps.js';
import type { ToolRunResult } from '../../core/tasks/task.js';
import type { SandboxRequest, SandboxResult } from './sandbox/types.js';

export interface ToolSource {
  name: string;
  version: string;
  code: string;
}

export interface ToolsDeps {
  sandbox: { run(request: SandboxRequest): Promise<SandboxResult> };
  loadTool(name: string): Promise<ToolSource | undefined>;
  heartbeatIntervalMs?: number;
}

/**
 * Execute: runs each tool call of the plan in the sandbox, in order. Tool code only computes (no host effects),
 * so re-running a step after a crash is harmless; a failing tool is reported, not thrown, so Verify can send the
 * task back to Reason with the reason.
 */
export function createToolsActivities({ sandbox, loadTool, heartbeatIntervalMs = 2000 }: ToolsDeps) {
  return {
    async executePlan({ steps }: ExecuteRequest): Promise<ToolRunResult[]> {
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), heartbeatIntervalMs);
      try {
        const results: ToolRunResult[] = [];
        for (const step of steps) {
          context.heartbeat({ tool: step.tool });
          const tool = await loadTool(step.tool);
          if (!tool) {
            results.push({ tool: step.tool, ok: false, output: null, error: `unknown tool "${step.tool}"`, durationMs: 0 });
            break;
          }
          const run = await sandbox.run({ code: tool.code, input: step.input, level: 'RESTRICTED' });
          if (run.ok) {
            results.push({ tool: step.tool, ok: true, output: run.output as JsonValue, durationMs: Math.round(run.durationMs) });
          } else {
            results.push({ tool: step.tool, ok: false, output: null, error: `${run.error.code}: ${run.error.message}`, durationMs: Math.round(run.durationMs) });
            break;
          }
        }
        return results;
      } finally {
        clearInterval(beat);
      }
    },
  };
}
export type ToolsActivities = ReturnType<typeof createToolsActivities>;
