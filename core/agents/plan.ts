import type { JsonObject } from '../tasks/json.js';
import type { RetrievedContext } from '../tasks/steps.js';
import type { Plan } from '../tasks/task.js';
import { paramsForAttempt, type TaskTypeSpec } from './playbook.js';

/** Each retry after a failed verification is a little less certain than the one before. */
const RETRY_CONFIDENCE_DECAY = 0.9;

/**
 * Confidence of a playbook plan: the playbook's own, tempered by how well this procedure has worked for the tenant
 * (half weight once it has a history), and decayed per retry.
 */
export function playbookConfidence(spec: TaskTypeSpec, attempt: number, context: RetrievedContext): number {
  const history = context.procedures.find((p) => p.procedure === spec.playbook.procedure);
  const track = history && history.uses > 0 ? 0.5 + 0.5 * history.successRate : 1;
  const confidence = spec.playbook.baseConfidence * track * RETRY_CONFIDENCE_DECAY ** Math.max(0, attempt - 1);
  return Math.round(confidence * 1000) / 1000;
}

/** The plan the `playbook` reasoner makes: the declared steps, fed from the task input, with retry parameters. */
export function planFromPlaybook(spec: TaskTypeSpec, input: JsonObject, attempt: number, context: RetrievedContext): Plan {
  const retryParams = paramsForAttempt(spec.playbook, attempt);
  const steps = spec.playbook.steps.map((step) => {
    const fromTask: JsonObject = {};
    for (const [toolField, taskField] of Object.entries(step.inputFrom)) {
      const value = input[taskField];
      if (value !== undefined) fromTask[toolField] = value;
    }
    // A retry changes the parameters a step declares (a tolerance), never adds parameters to steps that lack them.
    const retried = Object.fromEntries(Object.entries(retryParams).filter(([key]) => key in step.params));
    const toolInput = { ...fromTask, ...step.params, ...retried };
    return step.fromPrevious ? { tool: step.tool, input: toolInput, fromPrevious: step.fromPrevious } : { tool: step.tool, input: toolInput };
  });
  const changed = Object.keys(retryParams).length > 0 ? ` with ${JSON.stringify(retryParams)} after a failed verification` : '';
  return {
    procedure: spec.playbook.procedure,
    steps,
    confidence: playbookConfidence(spec, attempt, context),
    rationale: `playbook ${spec.playbook.procedure} v${spec.playbook.version}${changed}`,
    reasoner: 'playbook',
  };
}
