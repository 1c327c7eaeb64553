import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { AGENT_CATALOG, findTaskType } from '../../core/agents/catalog.js';
import type { TaskTypeSpec } from '../../core/agents/playbook.js';
import { voterId } from '../../core/decisions/consensus.js';
import { toVoterSpec } from '../../core/decisions/voter-input.js';
import type { TaskReview } from '../../core/tasks/review.js';
import type { TaskSubmission } from '../../core/tasks/submission.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import { authorize } from '../auth/http.js';
import type { Principal } from '../auth/roles.js';
import { badRequest, forbidden, parseOr400 } from '../errors.js';
import type { TaskAccepted } from '../schemas.js';
import { readTaskStatus } from '../tasks/status.js';
import { startTask } from '../tasks/submit.js';
import { ROUTES } from './catalog.js';

export function registerTaskRoutes(scope: FastifyInstance, { temporal }: { temporal: Client }): void {
  const submit = ROUTES.submitTask;
  scope.route({
    method: submit.method,
    url: submit.url,
    handler: async (request, reply) => {
      const principal = authorize(request, submit.permission);
      const submission = parseOr400(submit.body, request.body);
      const input = toWorkflowInput(principal, submission);
      const started = await startTask(temporal, input);
      const body: TaskAccepted = { taskId: input.taskId, tenant: input.tenant, ...started };
      return reply.code(202).send(body);
    },
  });

  const status = ROUTES.taskStatus;
  scope.route({
    method: status.method,
    url: status.url,
    handler: async (request) => {
      const principal = authorize(request, status.permission);
      const { id } = parseOr400(status.params, request.params);
      return readTaskStatus(temporal, principal.tenant, id);
    },
  });
}

/** Everything the workflow trusts, checked here: tenant, agent and task type, and the input against its schema. */
function toWorkflowInput(principal: Principal, submission: TaskSubmission): TaskWorkflowInput {
  const tenant = submission.tenant ?? principal.tenant;
  if (tenant !== principal.tenant) throw forbidden(`this key belongs to tenant ${principal.tenant}`, 'tenant');
  const spec = taskTypeOf(submission);
  return {
    tenant,
    taskId: submission.taskId,
    agentType: submission.agentType,
    taskType: submission.taskType,
    priority: submission.priority,
    input: parseOr400(spec.input, submission.input, 'input'),
    acceptance: submission.acceptance,
    requireApproval: submission.requireApproval,
    approvalTimeoutMs: submission.approvalTimeoutSeconds * 1000,
    maxAttempts: submission.maxAttempts,
    requestedBy: principal.name,
    ...(submission.modelConstraints ? { modelConstraints: submission.modelConstraints } : {}),
    ...(submission.review ? { review: reviewOf(submission.review) } : {}),
    ...(submission.sessionId ? { sessionId: submission.sessionId } : {}),
  };
}

/** The peers must exist and each vote once. */
function reviewOf(review: NonNullable<TaskSubmission['review']>): TaskReview {
  const voters = review.voters.map(toVoterSpec);
  for (const [i, voter] of voters.entries()) {
    if (voter.kind === 'agent' && !AGENT_CATALOG.some((a) => a.agentType === voter.agentType)) throw badRequest(`unknown agent type "${voter.agentType}"`, `review.voters.${i}.agentType`);
  }
  if (new Set(voters.map(voterId)).size !== voters.length) throw badRequest('each voter may vote once', 'review.voters');
  return { voters, voteTimeoutMs: review.voteTimeoutSeconds * 1000 };
}

function taskTypeOf(submission: TaskSubmission): TaskTypeSpec {
  const found = findTaskType(submission.agentType, submission.taskType);
  if (found.ok) return found.taskType;
  const agentKnown = AGENT_CATALOG.some((agent) => agent.agentType === submission.agentType);
  throw badRequest(found.reason, agentKnown ? 'taskType' : 'agentType');
}
