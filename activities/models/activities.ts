import { ApplicationFailure, Context } from '@temporalio/activity';
import { findTaskType } from '../../core/agents/catalog.js';
import type { ReasonRequest } from '../../core/tasks/steps.js';
import { modelConstraints } from '../../core/tasks/submission.js';
import { describeIssues } from '../../core/validation.js';
import type { Plan } from '../../core/tasks/task.js';
import { INVALID_TASK_INPUT } from '../loop/activities.js';
import type { Reasoner } from './reasoner.js';

export interface ModelsDeps {
  reasoner: Reasoner;
  heartbeatIntervalMs?: number;
}

export function createModelsActivities({ reasoner, heartbeatIntervalMs = 2000 }: ModelsDeps) {
  return {
    /**
     * Reason: ask the configured reasoner for a plan, heartbeating so a dead worker is noticed within seconds. With
     * the router, the heartbeat details and the result's `plan.routing` show the decision in the Temporal UI.
     */
    async reasonPlan(request: ReasonRequest): Promise<Plan> {
      const found = findTaskType(request.task.agentType, request.task.taskType);
      if (!found.ok) throw ApplicationFailure.nonRetryable(found.reason, INVALID_TASK_INPUT);
      const constraints = modelConstraints.optional().safeParse(request.constraints);
      if (!constraints.success) throw ApplicationFailure.nonRetryable(`model constraints: ${describeIssues(constraints.error)}`, INVALID_TASK_INPUT);
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), heartbeatIntervalMs);
      try {
        context.heartbeat();
        return await reasoner.plan(request, found.taskType, context.cancellationSignal, {
          activityAttempt: context.info.attempt,
          heartbeat: (details) => context.heartbeat(details),
        });
      } finally {
        clearInterval(beat);
      }
    },
  };
}
export type ModelsActivities = ReturnType<typeof createModelsActivities>;
