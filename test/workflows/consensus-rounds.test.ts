import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VoterSpec } from '../../core/decisions/consensus.js';
import { approvalWorkflowId } from '../../core/decisions/requests.js';
import { consensusWorkflowId, type ConsensusWorkflowInput } from '../../core/decisions/rounds.js';
import { TASK_QUEUES, taskWorkflowId } from '../../core/tasks/queues.js';
import { reviewRoundId } from '../../core/tasks/review.js';
import type { TaskStatusView } from '../../core/tasks/task.js';
import type { Db } from '../../infra/db/pool.js';
import { inTenant } from '../../activities/memory/tenant-tx.js';
import { approveSignal, decideUpdate, rejectSignal, type DecideUpdateInput } from '../../workflows/approval/messages.js';
import { consensusStatusQuery } from '../../workflows/consensus/messages.js';
import { statusQuery } from '../../workflows/task/messages.js';
import { searchAttributesFor } from '../../workflows/task/search-attributes.js';
import type { consensusWorkflow } from '../../workflows/index.js';
import { startInProcessPools, type InProcessPools } from '../../workers/in-process.js';
import { chatCompletion, startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { reconcileTask } from '../support/tasks.js';
import { workflowBundle } from '../support/workers.js';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let models: FakeOpenAi;

/** Each fake model answers by its name: `<choice>-<confidence>`, `late-…` never answers, `broken-…` answers 400. */
function ballotFor(model: string): { status: number; body: unknown } | 'hold' {
  if (model.startsWith('late')) return 'hold';
  if (model.startsWith('broken')) return { status: 400, body: { error: { message: 'unknown model' } } };
  const [choice, confidence] = model.split('-');
  return { status: 200, body: chatCompletion(JSON.stringify({ choice, confidence: Number(confidence) / 100, rationale: `${model} prefers ${choice}` })) };
}

beforeAll(async () => {
  models = await startFakeOpenAi((request) => ballotFor(request.model));
  env = await startLocalTemporal();
  db = testDb();
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db, { workflowBundle: await workflowBundle(), modelEndpoint: { baseUrl: models.baseUrl } });
});

afterAll(async () => {
  await models?.close();
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
});

const OPTIONS = [
  { id: 'block', label: 'Block the account' },
  { id: 'monitor', label: 'Monitor only' },
];

function round(tenant: string, voters: VoterSpec[], overrides: Partial<ConsensusWorkflowInput> = {}): ConsensusWorkflowInput {
  return {
    tenant,
    roundId: `r-${Math.random().toString(36).slice(2, 8)}`,
    question: 'Suspicious logins from two countries: what do we do?',
    context: '14 failed logins, then a success from a new country',
    options: OPTIONS,
    voters,
    minAgreement: 0.75,
    quorum: Math.floor(voters.length / 2) + 1,
    voteTimeoutMs: 5_000,
    leaderTieBreak: true,
    severity: 'high',
    approvalTimeoutMs: 60_000,
    requestedBy: 'soc-bot',
    ...overrides,
  };
}

const model = (name: string): VoterSpec => ({ kind: 'model', model: name });

async function run(input: ConsensusWorkflowInput) {
  return env.client.workflow.start<typeof consensusWorkflow>('consensusWorkflow', { workflowId: consensusWorkflowId(input.tenant, input.roundId), taskQueue: TASK_QUEUES.workflows, args: [input] });
}

async function auditKinds(tenant: string, roundId: string) {
  const rows = await db.query<{ kind: string; actor: string }>('select kind, actor from audit_log where tenant_id = $1 and task_id = $2 order by id', [tenant, roundId]);
  return rows.rows;
}

describe('consensusWorkflow', () => {
  it('decides a unanimous round without a person, auditing every vote and the outcome', async () => {
    const tenant = freshTenant('cons');
    const input = round(tenant, [model('block-90'), model('block-80'), model('block-70')], { expected: 'block' });
    const result = await (await run(input)).result();
    expect(result).toMatchObject({ status: 'decided', decision: 'block', score: { score: 1, quorumReached: true, pairwiseAgreement: 1 } });
    expect(result.votes).toHaveLength(3);
    expect((await auditKinds(tenant, input.roundId)).map((r) => r.kind)).toEqual(['consensus.vote', 'consensus.vote', 'consensus.vote', 'consensus.outcome']);
    const stored = await db.query('select status, decision, score, expected from consensus_rounds where tenant_id = $1', [tenant]);
    expect(stored.rows).toEqual([{ status: 'decided', decision: 'block', score: 1, expected: 'block' }]);
  });

  it('does not wait for late voters, records failing ones, and still decides with a quorum', async () => {
    const tenant = freshTenant('cons');
    const input = round(tenant, [model('block-90'), model('block-85'), model('block-80'), model('late-1'), model('broken-1')], { voteTimeoutMs: 2_000 });
    const started = Date.now();
    const result = await (await run(input)).result();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.status).toBe('decided');
    expect(result.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ voter: 'model:late-1', reason: 'late' }),
        expect.objectContaining({ voter: 'model:broken-1', reason: 'failed', message: expect.stringContaining('answered 400') }),
      ]),
    );
    const kinds = (await auditKinds(tenant, input.roundId)).map((r) => r.kind).sort();
    expect(kinds).toEqual(['consensus.outcome', 'consensus.vote', 'consensus.vote', 'consensus.vote', 'consensus.vote_failed', 'consensus.vote_late']);
  });

  it('escalates a split round to a person with votes and dissent as context, and takes their decision back', async () => {
    const tenant = freshTenant('cons');
    const input = round(tenant, [model('block-90'), model('block-80'), model('monitor-95')]);
    const handle = await run(input);
    let view = await handle.query(consensusStatusQuery);
    for (let i = 0; i < 100 && view.status !== 'awaiting_human'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      view = await handle.query(consensusStatusQuery);
    }
    expect(view.status).toBe('awaiting_human');
    expect(view.reasons[0]).toMatch(/^consensus 0\.\d\d is below 0.75$/);
    for (let i = 0; i < 100 && (await db.query('select 1 from approval_requests where tenant_id = $1', [tenant])).rowCount === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
    const request = await db.query<{ context: { details: { dissent: Array<{ voter: string }>; votes: unknown[] } }; severity: string }>(
      'select context, severity from approval_requests where tenant_id = $1 and id = $2',
      [tenant, `consensus.${input.roundId}`],
    );
    expect(request.rows[0]?.severity).toBe('high');
    expect(request.rows[0]?.context.details.votes).toHaveLength(3);
    expect(request.rows[0]?.context.details.dissent.map((d) => d.voter)).toEqual(['model:monitor-95']);

    const approval = env.client.workflow.getHandle(approvalWorkflowId(tenant, `consensus.${input.roundId}`));
    const refused = await approval.executeUpdate(decideUpdate, { args: [{ decision: 'approve', approverId: 'soc-bot' }] }).catch((e: unknown) => e);
    expect(String((refused as Error).cause ?? refused)).toMatch(/soc-bot submitted this request/);
    await approval.executeUpdate(decideUpdate, { args: [{ decision: 'approve', approverId: 'lead', comment: 'block it' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'escalated_approved', decision: 'block', approval: { approverId: 'lead', via: 'update' } });
    expect(result.dissent.map((d) => d.voter)).toEqual(['model:monitor-95']);
  });

  it('lets the person adopt any option (validated against the round’s) and remembers the correction once', async () => {
    const tenant = freshTenant('cons');
    const input = round(tenant, [model('block-90'), model('block-80'), model('monitor-95')]);
    const handle = await run(input);
    const approval = env.client.workflow.getHandle(approvalWorkflowId(tenant, `consensus.${input.roundId}`));
    for (let i = 0; i < 100 && (await db.query('select 1 from approval_requests where tenant_id = $1', [tenant])).rowCount === 0; i += 1) await new Promise((r) => setTimeout(r, 100));

    const refusal = (attempt: DecideUpdateInput) =>
      approval.executeUpdate(decideUpdate, { args: [attempt] }).then(
        () => 'accepted',
        (e: unknown) => String((e as Error).cause ?? e),
      );
    expect(await refusal({ decision: 'approve', approverId: 'lead', option: 'ignore' })).toMatch(/invalid: "ignore" is not an option of this request \(block, monitor\)/);
    expect(await refusal({ decision: 'reject', approverId: 'lead', option: 'monitor' })).toMatch(/invalid: a rejection adopts no option/);
    // The signal path (Temporal UI / CLI) carries the option the same way; the leading option was block.
    await approval.signal(approveSignal, { approverId: 'lead', option: 'monitor', comment: 'only two logins, watch first' });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'escalated_approved', decision: 'monitor', approval: { approverId: 'lead', option: 'monitor', via: 'signal' } });
    const stored = await db.query('select status, decision from consensus_rounds where tenant_id = $1', [tenant]);
    expect(stored.rows).toEqual([{ status: 'escalated_approved', decision: 'monitor' }]);
    const feedback = await db.query<{ note: string }>('select note from human_decisions where tenant_id = $1', [tenant]);
    expect(feedback.rows[0]?.note).toBe('corrected: chose monitor over the proposed block by lead: only two logins, watch first');

    // The decision is a semantic memory note of the tenant, keyed on the request: storing it again writes nothing new.
    const notes = () =>
      inTenant(db, tenant, async (client) =>
        (await client.query<{ source_key: string; content: string; metadata: Record<string, unknown> }>('select source_key, content, metadata from semantic_memories where tenant_id = $1', [tenant])).rows,
      );
    // The note is filed by its own workflow, after the round has resumed.
    const noteRun = env.client.workflow.getHandle(`decision-memory:${tenant}:consensus.${input.roundId}`);
    expect(await noteRun.result()).toMatchObject({ created: true });
    const [note, ...others] = await notes();
    expect(others).toEqual([]);
    expect(note).toMatchObject({ source_key: `approval:consensus.${input.roundId}:decision`, metadata: { source: 'human', decision: 'approve', option: 'monitor', proposed: 'block' } });
    expect(note?.content).toContain('chose monitor over the proposed block by lead: only two logins, watch first');
    const again = await env.client.workflow.start('approvalWorkflow', {
      workflowId: `again-${input.roundId}`,
      taskQueue: TASK_QUEUES.workflows,
      args: [{ tenant, approvalId: `consensus.${input.roundId}`, subject: { kind: 'consensus', id: input.roundId }, title: 'again', severity: 'low', requestedBy: 'soc-bot', context: { summary: 's', reasons: [], details: {} }, proposal: {}, options: { ids: ['block', 'monitor'], proposed: 'block' }, timeoutMs: 60_000, safeDefault: 'reject' }],
    });
    await again.signal(approveSignal, { approverId: 'lead', comment: 'same request, decided again' });
    expect(await again.result()).toMatchObject({ record: { option: 'block' } });
    expect(await notes()).toEqual([note]);
  });

  it('escalates when the quorum is not reached, and the safe default rejects when nobody decides', async () => {
    const tenant = freshTenant('cons');
    const input = round(tenant, [model('block-90'), model('broken-2'), model('broken-3')], { approvalTimeoutMs: 1_000 });
    const result = await (await run(input)).result();
    expect(result.status).toBe('escalated_rejected');
    expect(result.decision).toBeUndefined();
    expect(result.reasons).toContain('quorum not reached: 1 vote(s), 2 needed');
    expect(result.approval).toMatchObject({ reason: 'timeout', decision: 'reject' });
  });

  it('lets playbook agents vote from what they know', async () => {
    const tenant = freshTenant('cons');
    const input = round(tenant, [{ kind: 'agent', agentType: 'selfops.secops' }], {
      options: [
        { id: 'triage', label: 'Triage the security alert' },
        { id: 'reconcile', label: 'Reconcile the payments' },
      ],
      quorum: 1,
      minAgreement: 0.5,
    });
    const result = await (await run(input)).result();
    expect(result.votes[0]).toMatchObject({ voter: 'agent:selfops.secops', choice: 'triage' });
    expect(result.status).toBe('decided');
  });
});

describe("a task's peer review", () => {
  async function reviewedTask(tenant: string, voters: VoterSpec[]) {
    const input = reconcileTask(tenant, { review: { voters, voteTimeoutMs: 5_000 } });
    const handle = await env.client.workflow.start('taskWorkflow', {
      workflowId: taskWorkflowId(tenant, input.taskId),
      taskQueue: TASK_QUEUES.workflows,
      args: [input],
      typedSearchAttributes: searchAttributesFor(input, 'RUNNING'),
    });
    let view: TaskStatusView | undefined;
    for (let i = 0; i < 150 && view?.status !== 'AWAITING_APPROVAL'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      view = await handle.query(statusQuery);
    }
    if (view?.status !== 'AWAITING_APPROVAL') throw new Error(`the task never waited for a person: ${JSON.stringify(view)}`);
    return { input, handle, view };
  }

  it("lets agreeing peers' support stand as the consensus score: no consensus reason to ask a person", async () => {
    const tenant = freshTenant('review');
    const { input, handle, view } = await reviewedTask(tenant, [model('apply-90'), model('apply-80')]);
    expect(view.consensusScore).toBe(1);
    // A first task of its kind is novel, so a person is still asked — but not because of the peers.
    expect(view.pendingApproval?.reasons.join(' ')).not.toMatch(/consensus/);
    const round = await db.query('select status, decision from consensus_rounds where tenant_id = $1 and id = $2', [tenant, reviewRoundId(input.taskId)]);
    expect(round.rows).toEqual([{ status: 'decided', decision: 'apply' }]);
    await handle.signal(approveSignal, { approverId: 'alice' });
    expect((await handle.result()).status).toBe('COMPLETED');
  });

  it('asks a person when the peers split, with the consensus score among the reasons, and the round asks nobody itself', async () => {
    const tenant = freshTenant('review');
    const { input, handle, view } = await reviewedTask(tenant, [model('apply-60'), model('hold-90')]);
    expect(view.consensusScore).toBe(0.4);
    expect(view.pendingApproval?.reasons).toContain('consensus 0.40 is below 0.75');
    const round = await db.query('select status from consensus_rounds where tenant_id = $1 and id = $2', [tenant, reviewRoundId(input.taskId)]);
    expect(round.rows).toEqual([{ status: 'no_decision' }]);
    // One person decides, on the task: the round opened no approval request of its own.
    const requestKinds = async () => (await db.query<{ subject_kind: string }>('select subject_kind from approval_requests where tenant_id = $1', [tenant])).rows.map((r) => r.subject_kind);
    await expect.poll(requestKinds, { timeout: 10_000 }).toEqual(['task']);
    await handle.signal(rejectSignal, { approverId: 'alice', comment: 'the peers disagree' });
    expect((await handle.result()).status).toBe('REJECTED');
  });
});
