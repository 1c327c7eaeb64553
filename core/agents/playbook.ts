import type { AcceptanceRule } from '../tasks/acceptance.js';
import type { CapabilityNeed } from '../tools/capability.js';
import type { JsonObject, JsonValue } from '../tasks/json.js';
import type { Impact, ProposedEffect, ToolRunResult } from '../tasks/task.js';
import type { z } from 'zod';

/** One step of a playbook: which tool to run, which task input fields it takes, and fixed parameters. */
export interface PlaybookStep {
  tool: string;
  /** Tool input field ← task input field. */
  inputFrom: Record<string, string>;
  /** Tool input field ← path in the previous step's output (chains a fetch into a computation). */
  fromPrevious?: Record<string, string>;
  params: JsonObject;
}

/**
 * A playbook is what the `playbook` reasoner follows: a named procedure, how confident it is by default, and what
 * to change on a retry after a failed verification (e.g. widen a matching tolerance).
 */
export interface Playbook {
  procedure: string;
  version: number;
  baseConfidence: number;
  steps: PlaybookStep[];
  /** Parameters changed on attempt 2, 3, … (index 0 = attempt 2) in the steps that declare them. The last entry repeats. */
  retryParams: JsonObject[];
}

export interface TaskTypeSpec {
  taskType: string;
  description: string;
  input: z.ZodType<JsonObject>;
  playbook: Playbook;
  acceptance: AcceptanceRule[];
  /** Policy: this task type always needs a human decision before its effects apply. */
  requiresApproval: boolean;
  /** The tool whose output Verify checks and effects are derived from (the last step's, by convention). */
  impact(outputs: readonly ToolRunResult[]): Impact;
  effects(outputs: readonly ToolRunResult[]): ProposedEffect[];
  /**
   * Operations of outside APIs the playbook calls through `@alias` steps. The tools may not exist yet: the task then
   * asks the meta-agent for them (capabilityWorkflow) and waits.
   */
  capabilities?(input: JsonObject): CapabilityNeed[];
}

export interface AgentTypeSpec {
  agentType: string;
  name: string;
  department: string;
  capabilities: string[];
  taskTypes: TaskTypeSpec[];
}

/** The output of the last successful tool run: what acceptance rules and effects look at. */
export function finalOutput(outputs: readonly ToolRunResult[]): JsonValue {
  for (let i = outputs.length - 1; i >= 0; i -= 1) {
    const run = outputs[i];
    if (run?.ok) return run.output;
  }
  return null;
}

export function paramsForAttempt(playbook: Playbook, attempt: number): JsonObject {
  if (attempt <= 1 || playbook.retryParams.length === 0) return {};
  const index = Math.min(attempt - 2, playbook.retryParams.length - 1);
  return playbook.retryParams[index] ?? {};
}
