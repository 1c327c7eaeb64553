import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routedVoter } from '../../activities/models/consensus-voter.js';
import { ModelLimiter } from '../../activities/models/limiter.js';
import { createChatProviders } from '../../activities/models/providers/index.js';
import { tenantRegistry } from '../../activities/models/registry-source.js';
import { createModelStore } from '../../activities/models/store.js';
import { consensusWorkflowId, type ConsensusWorkflowInput } from '../../core/decisions/rounds.js';
import type { ModelSpec } from '../../core/routing/model.js';
import { consensusModelOrder } from '../../core/routing/voters.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { Db } from '../../infra/db/pool.js';
import type { consensusWorkflow } from '../../workflows/index.js';
import { startInProcessPools, type InProcessPools } from '../../workers/in-process.js';
import { chatCompletion, startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { openAi, startFakeProvider, type FakeProvider, type RecordedRequest } from '../support/fake-model-providers.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { workflowBundle } from '../support/workers.js';

/*
 * Consensus votes of registry models go through the model router: its filters (a model that cannot vote is
 * refused), the provider adapters and per-provider limits, and a cost record per vote. A model the registry does
 * not know still votes at the plain OpenAI-compatible endpoint.
 */

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let plain: FakeOpenAi;
let gpt: FakeProvider;
let llama: FakeProvider;

const ballot = (request: RecordedRequest, choice: string) =>
  openAi.text(JSON.stringify({ choice, confidence: 0.9, rationale: `${String(request.body.model)} picks ${choice}` }));

function model(id: string, provider: FakeProvider, capabilities: ModelSpec['capabilities'], inputPerMTokUsd: number): ModelSpec {
  return {
    id,
    provider: 'openai-compatible',
    displayName: id,
    remoteModel: `${id}-remote`,
    capabilities,
    contextWindow: 32_000,
    pricing: { inputPerMTokUsd, outputPerMTokUsd: inputPerMTokUsd * 2 },
    expectedLatencyMs: 400,
    deployments: [{ id: `${id}-1`, endpoint: `${provider.url}/v1`, useEntraId: false, maxConcurrency: 1 }],
    enabled: true,
  };
}

let registryModels: ModelSpec[] = [];

beforeAll(async () => {
  plain = await startFakeOpenAi(() => ({ status: 200, body: chatCompletion(JSON.stringify({ choice: 'block', confidence: 0.7, rationale: 'plain endpoint' })) }));
  gpt = await startFakeProvider((request) => ({ status: 200, body: ballot(request, 'block') }));
  llama = await startFakeProvider((request) => ({ status: 200, body: ballot(request, 'Block the account') }));
  registryModels = [
    model('vote-gpt', gpt, ['chat', 'structured_output', 'function_calling'], 2),
    model('vote-llama', llama, ['chat', 'structured_output'], 0.2),
    model('vote-coder', llama, ['code_generation', 'structured_output'], 0.1),
  ];
  env = await startLocalTemporal();
  db = testDb();
  const registry = tenantRegistry({ models: registryModels }, undefined);
  const voter = routedVoter({ registry, providers: createChatProviders({ env: {}, timeoutMs: 5_000 }), limiter: new ModelLimiter({}), store: createModelStore(db) });
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db, { workflowBundle: await workflowBundle(), modelEndpoint: { baseUrl: plain.baseUrl, registry: voter } });
});

afterAll(async () => {
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
  await plain?.close();
  await gpt?.close();
  await llama?.close();
});

function round(tenant: string, models: string[]): ConsensusWorkflowInput {
  return {
    tenant,
    roundId: `r-${Math.random().toString(36).slice(2, 8)}`,
    question: 'Suspicious logins from two countries: what do we do?',
    context: '14 failed logins, then a success from a new country',
    options: [
      { id: 'block', label: 'Block the account' },
      { id: 'monitor', label: 'Monitor only' },
    ],
    voters: models.map((m) => ({ kind: 'model', model: m })),
    minAgreement: 0.75,
    quorum: 2,
    voteTimeoutMs: 10_000,
    leaderTieBreak: true,
    severity: 'high',
    approvalTimeoutMs: 60_000,
    requestedBy: 'soc-bot',
  };
}

describe('consensus votes through the model router', () => {
  it('orders ANTS_CONSENSUS_MODELS by the router: distinct voting models first, unknown ids after, non-voters dropped', () => {
    expect(consensusModelOrder(['plain-model', 'vote-coder', 'vote-gpt', 'vote-llama', 'vote-gpt'], registryModels)).toEqual(['vote-llama', 'vote-gpt', 'plain-model']);
  });

  it('asks registry models through their provider adapters, records each vote with its cost, and keeps the plain endpoint for others', async () => {
    const tenant = freshTenant('vote');
    const input = round(tenant, ['vote-gpt', 'vote-llama', 'plain-model']);
    const result = await env.client.workflow.execute<typeof consensusWorkflow>('consensusWorkflow', { workflowId: consensusWorkflowId(tenant, input.roundId), taskQueue: TASK_QUEUES.workflows, args: [input] });
    expect(result).toMatchObject({ status: 'decided', decision: 'block' });
    expect(result.votes.map((v) => [v.voter, v.model, v.choice]).sort()).toEqual([
      ['model:plain-model', 'plain-model', 'block'],
      ['model:vote-gpt', 'vote-gpt', 'block'],
      ['model:vote-llama', 'vote-llama', 'block'],
    ]);
    // The registry models were asked under their remote names, for a structured ballot.
    expect(gpt.requests.at(-1)?.body).toMatchObject({ model: 'vote-gpt-remote', response_format: { type: 'json_schema' } });
    expect(llama.requests.at(-1)?.body).toMatchObject({ model: 'vote-llama-remote' });
    const calls = await db.query<{ model_id: string; step: string; task_id: string; success: boolean; cost_usd: string }>(
      'select model_id, step, task_id, success, cost_usd from model_calls where tenant_id = $1 order by model_id',
      [tenant],
    );
    expect(calls.rows.map((r) => [r.model_id, r.step, r.task_id, r.success])).toEqual([
      ['vote-gpt', 'vote:vote-gpt', input.roundId, true],
      ['vote-llama', 'vote:vote-llama', input.roundId, true],
    ]);
    // openAi.text reports 300 prompt and 40 completion tokens.
    expect(Number(calls.rows[0]?.cost_usd)).toBeCloseTo((300 * 2 + 40 * 4) / 1e6, 10);
  });

  it('refuses a registry model the router would not let vote, with the reason', async () => {
    const tenant = freshTenant('vote');
    const input = round(tenant, ['vote-gpt', 'vote-llama', 'vote-coder']);
    const result = await env.client.workflow.execute<typeof consensusWorkflow>('consensusWorkflow', { workflowId: consensusWorkflowId(tenant, input.roundId), taskQueue: TASK_QUEUES.workflows, args: [input] });
    expect(result.status).toBe('decided');
    expect(result.failures).toEqual([expect.objectContaining({ voter: 'model:vote-coder', reason: 'failed', message: expect.stringMatching(/vote-coder cannot vote: .*chat/) })]);
  });
});
