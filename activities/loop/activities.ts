import { ApplicationFailure } from '@temporalio/activity';
import { findTaskType } from '../../core/agents/catalog.js';
import { finalOutput } from '../../core/agents/playbook.js';
import { verifyOutput } from '../../core/tasks/acceptance.js';
import type { PerceivedTask, VerifyRequest } from '../../core/tasks/steps.js';
import type { TaskWorkflowInput, VerifyResult } from '../../core/tasks/task.js';

/** Error type the workflow does not retry: the task itself is wrong, trying again cannot help. */
export const INVALID_TASK_INPUT = 'InvalidTaskInput';

function lookup(agentType: string, taskType: string) {
  const found = findTaskType(agentType, taskType);
  if (!found.ok) throw ApplicationFailure.nonRetryable(found.reason, INVALID_TASK_INPUT);
  return found.taskType;
}

/**
 * Perceive and Verify: cheap, pure steps run as local activities in the `workflows` pool. They are activities (not
 * workflow code) so the catalog and its schemas can change without breaking the replay of running tasks.
 */
export function createLoopActivities() {
  return {
    async perceiveTask(input: TaskWorkflowInput): Promise<PerceivedTask> {
      const spec = lookup(input.agentType, input.taskType);
      const parsed = spec.input.safeParse(input.input);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `input.${i.path.join('.')}: ${i.message}`).join('; ');
        throw ApplicationFailure.nonRetryable(`invalid task input: ${problems}`, INVALID_TASK_INPUT);
      }
      return {
        input: parsed.data,
        acceptance: [...spec.acceptance, ...input.acceptance],
        policyRequiresApproval: spec.requiresApproval,
        procedure: spec.playbook.procedure,
        tools: spec.playbook.steps.map((s) => s.tool),
        capabilities: spec.capabilities?.(parsed.data) ?? [],
      };
    },

    async verifyOutcome({ task, acceptance, outputs }: VerifyRequest): Promise<VerifyResult> {
      const spec = lookup(task.agentType, task.taskType);
      const toolFailures = outputs
        .filter((run) => !run.ok)
        .map((run) => ({ rule: { path: run.tool, check: 'present' as const }, reason: `tool ${run.tool} failed: ${run.error ?? 'unknown error'}` }));
      const report = verifyOutput(finalOutput(outputs), acceptance);
      const failures = [...toolFailures, ...report.failures];
      return {
        report: { passed: failures.length === 0, checked: report.checked, failures },
        impact: spec.impact(outputs),
        effects: failures.length === 0 ? spec.effects(outputs) : [],
      };
    },
  };
}
export type LoopActivities = ReturnType<typeof createLoopActivities>;
