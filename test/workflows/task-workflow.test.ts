import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { TaskStatus, TaskWorkflowInput } from '../../core/tasks/task.js';
import { approveSignal, decideUpdate, rejectSignal, statusQuery } from '../../workflows/task/messages.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask, reconciliationInput } from '../support/tasks.js';

const harness = useTaskHarness();
const start = (input: TaskWorkflowInput) => harness.start(input);
const waitForStatus = (handle: WorkflowHandle, status: TaskStatus) => harness.waitForStatus(handle, status);

async function auditKinds(tenant: string, taskId: string): Promise<string[]> {
  const rows = await harness.db.query<{ kind: string }>('select kind from audit_log where tenant_id = $1 and task_id = $2 order by id', [tenant, taskId]);
  return rows.rows.map((r) => r.kind);
}

async function effectKeys(tenant: string, taskId: string): Promise<string[]> {
  const rows = await harness.db.query<{ effect_key: string }>('select effect_key from applied_effects where tenant_id = $1 and task_id = $2 order by effect_key', [tenant, taskId]);
  return rows.rows.map((r) => r.effect_key);
}

describe('taskWorkflow', () => {
  it('escalates a novel task, completes after an approve signal, and runs the next similar task without a human', async () => {
    const tenant = freshTenant();
    const first = reconcileTask(tenant, { input: reconciliationInput(0.5), requestedBy: 'bob' });
    const handle = await start(first);
    await waitForStatus(handle, 'AWAITING_APPROVAL');

    const waiting = await handle.query(statusQuery);
    expect(waiting.step).toBe('awaiting_approval');
    expect(waiting.pendingApproval?.reasons).toContain('no similar past episode to learn from');
    expect(waiting.pendingApproval?.effects).toHaveLength(3);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'AntsStatus')?.value).toBe('AWAITING_APPROVAL');
    expect(await effectKeys(tenant, first.taskId)).toEqual([]);

    await handle.signal(approveSignal, { approverId: 'alice', comment: 'looks right' });
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.attempts).toBe(2); // exact matching fails on 0.5 differences, the retry widens the tolerance
    expect(result.approval).toMatchObject({ decision: 'approve', approverId: 'alice', via: 'signal', reason: 'human' });
    expect(await effectKeys(tenant, first.taskId)).toHaveLength(3);
    expect(await auditKinds(tenant, first.taskId)).toEqual([
      'task.accepted',
      'task.verification_failed',
      'approval.requested',
      'approval.decided',
      'task.completed',
    ]);
    const finished = await handle.describe();
    expect(finished.typedSearchAttributes.getAll().find((p) => p.key.name === 'AntsStatus')?.value).toBe('COMPLETED');

    const second = reconcileTask(tenant, { requestedBy: 'bob' });
    const secondResult = await (await start(second)).result();
    expect(secondResult.status).toBe('COMPLETED');
    expect(secondResult.approval).toBeUndefined();
    expect(secondResult.escalationReasons).toEqual([]);
    const procedure = await harness.db.query('select uses, successes from procedures where tenant_id = $1', [tenant]);
    expect(procedure.rows).toEqual([{ uses: 2, successes: 2 }]);
  });

  it('decides by update with a validator: refuses self-approval and decisions when nothing is pending', async () => {
    const tenant = freshTenant();
    const input = reconcileTask(tenant, { requireApproval: true, requestedBy: 'carol' });
    const handle = await start(input);
    await waitForStatus(handle, 'AWAITING_APPROVAL');

    const refused = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', approverId: 'carol' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toMatch(/^forbidden: carol submitted this task/);
    const record = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', approverId: 'dave', comment: 'ok' }] });
    expect(record).toMatchObject({ decision: 'approve', approverId: 'dave', via: 'update' });
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.escalationReasons).toContain('policy requires a human decision');
  });

  it('records a refused signal and applies nothing when a human rejects', async () => {
    const tenant = freshTenant();
    const input = reconcileTask(tenant, { input: reconciliationInput(0.5), requestedBy: 'erin' });
    const handle = await start(input);
    await waitForStatus(handle, 'AWAITING_APPROVAL');
    await handle.signal(approveSignal, { approverId: 'erin' }); // the submitter: refused, audited
    await handle.signal(rejectSignal, { approverId: 'frank', comment: 'adjustments need a second look' });
    const result = await handle.result();
    expect(result.status).toBe('REJECTED');
    expect(result.appliedEffects).toEqual([]);
    expect(await effectKeys(tenant, input.taskId)).toEqual([]);
    const kinds = await auditKinds(tenant, input.taskId);
    expect(kinds).toContain('approval.refused');
    expect(kinds.slice(-2)).toEqual(['approval.decided', 'task.rejected']);
    const episode = await harness.db.query('select outcome, success from episodes where tenant_id = $1 and task_id = $2', [tenant, input.taskId]);
    expect(episode.rows).toEqual([{ outcome: 'rejected', success: false }]);
  });

  it('fails with the reasons once every attempt failed verification', async () => {
    const tenant = freshTenant();
    const input = reconcileTask(tenant, { input: reconciliationInput(50), maxAttempts: 3 });
    const handle = await start(input);
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/after 3 attempt\(s\): unmatchedInvoices: has 3 item\(s\)/);
    expect(await auditKinds(tenant, input.taskId)).toEqual([
      'task.accepted',
      'task.verification_failed',
      'task.verification_failed',
      'task.verification_failed',
      'task.failed',
    ]);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.getAll().find((p) => p.key.name === 'AntsStatus')?.value).toBe('FAILED');
  });

  it('fails at once, without retries, on input the task type does not accept', async () => {
    const tenant = freshTenant();
    const input = reconcileTask(tenant, { input: { invoices: 'not a list' } });
    const error = await (await start(input)).result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/input\.invoices/);
  });
});
