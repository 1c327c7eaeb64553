import type { TaskTypeSpec } from '../../core/agents/playbook.js';
import type { ReasonRequest } from '../../core/tasks/steps.js';
import type { Plan } from '../../core/tasks/task.js';

/** A reasoner turns a perceived task and its retrieved context into a plan of tool calls. */
export interface Reasoner {
  readonly name: string;
  plan(request: ReasonRequest, spec: TaskTypeSpec, signal: AbortSignal, call?: ReasonCall): Promise<Plan>;
}

/** About the activity execution making the call: its attempt (part of the cost records' key) and its heartbeat. */
export interface ReasonCall {
  activityAttempt: number;
  heartbeat(details?: unknown): void;
}

/** Configuration problems (bad key, unknown model) that retrying cannot fix. */
export const MODEL_CONFIGURATION_ERROR = 'ModelConfigurationError';
