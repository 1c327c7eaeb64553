import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { AGENT_CATALOG } from '../../core/agents/catalog.js';
import { defaultQuorum, diversifyPool, voterId, type ConsensusOption, type VoterSpec } from '../../core/decisions/consensus.js';
import { consensusWorkflowId, type ConsensusView, type ConsensusWorkflowInput } from '../../core/decisions/rounds.js';
import { toVoterSpec } from '../../core/decisions/voter-input.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { Db } from '../../infra/db/pool.js';
import type { consensusWorkflow } from '../../workflows/index.js';
import { consensusStatusQuery } from '../../workflows/consensus/messages.js';
import { authorize } from '../auth/http.js';
import { ONCE_PER_ID, startedOnce } from '../start-once.js';
import type { Principal } from '../auth/roles.js';
import { badRequest, notFound, parseOr400 } from '../errors.js';
import type { ConsensusSubmission } from '../schemas.js';
import { ROUTES } from './catalog.js';

export interface ConsensusDeps {
  temporal: Client;
  db: Db;
  /** Models a round may add so its pool spans enough distinct models. */
  consensusModels?: readonly string[];
}

export function registerConsensusRoutes(scope: FastifyInstance, deps: ConsensusDeps): void {
  const start = ROUTES.startConsensus;
  scope.route({
    method: start.method,
    url: start.url,
    handler: async (request, reply) => {
      const principal = authorize(request, start.permission);
      const submission = parseOr400(start.body, request.body);
      const input = toRoundInput(principal, submission, deps.consensusModels ?? []);
      const workflowId = consensusWorkflowId(input.tenant, input.roundId);
      const created = await startedOnce(() =>
        deps.temporal.workflow.start<typeof consensusWorkflow>('consensusWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUES.workflows,
          args: [input],
          ...ONCE_PER_ID,
          staticSummary: `Consensus · ${input.question.slice(0, 120)}`,
        }),
      );
      return reply.code(202).send({ roundId: input.roundId, tenant: input.tenant, workflowId, created, voters: input.voters.map(voterId) });
    },
  });

  const read = ROUTES.getConsensus;
  scope.route({
    method: read.method,
    url: read.url,
    handler: async (request) => {
      const principal = authorize(request, read.permission);
      const { id } = parseOr400(read.params, request.params);
      const workflowId = consensusWorkflowId(principal.tenant, id);
      const handle = deps.temporal.workflow.getHandle<typeof consensusWorkflow>(workflowId);
      const description = await handle.describe().catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) throw notFound(`no consensus round "${id}"`);
        throw error;
      });
      const round: ConsensusView =
        description.status.name === 'COMPLETED' ? await handle.result() : await deps.temporal.withDeadline(Date.now() + 3000, () => handle.query(consensusStatusQuery));
      return { roundId: id, tenant: principal.tenant, workflowId, runStatus: description.status.name, round };
    },
  });
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'option';
}

/** Everything the workflow trusts, checked here: voters exist, options are distinct, quorum fits the pool. */
function toRoundInput(principal: Principal, submission: ConsensusSubmission, consensusModels: readonly string[]): ConsensusWorkflowInput {
  const options: ConsensusOption[] = submission.options.map((o) => (typeof o === 'string' ? { id: slug(o), label: o } : o));
  if (new Set(options.map((o) => o.id)).size !== options.length) throw badRequest('options must have distinct ids (or distinct answers)', 'options');
  const requested: VoterSpec[] = submission.voters.map(toVoterSpec);
  for (const [i, voter] of requested.entries()) {
    if (voter.kind === 'agent' && !AGENT_CATALOG.some((a) => a.agentType === voter.agentType)) throw badRequest(`unknown agent type "${voter.agentType}"`, `voters.${i}.agentType`);
  }
  const voters = diversifyPool(requested, consensusModels, submission.minDistinctModels);
  if (new Set(voters.map(voterId)).size !== voters.length) throw badRequest('each voter may vote once', 'voters');
  const quorum = submission.quorum ?? defaultQuorum(voters.length);
  if (quorum > voters.length) throw badRequest(`a quorum of ${quorum} needs at least as many voters (${voters.length})`, 'quorum');
  if (submission.expected !== undefined && !options.some((o) => o.id === submission.expected)) throw badRequest('expected must be one of the option ids', 'expected');
  return {
    tenant: principal.tenant,
    roundId: submission.roundId,
    question: submission.question,
    context: submission.context,
    options,
    voters,
    minAgreement: submission.minAgreement,
    quorum,
    voteTimeoutMs: submission.voteTimeoutSeconds * 1000,
    leaderTieBreak: submission.leaderTieBreak,
    ...(submission.taskType ? { taskType: submission.taskType } : {}),
    severity: submission.severity,
    approvalTimeoutMs: submission.approvalTimeoutSeconds * 1000,
    requestedBy: principal.name,
    ...(submission.expected ? { expected: submission.expected } : {}),
  };
}
