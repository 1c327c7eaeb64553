import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import type { Db } from '../../infra/db/pool.js';
import { startProcessStack, waitFor, type ProcessStack } from '../support/process-stack.js';
import { freshTenant, testDb } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';

const run = promisify(execFile);

let stack: ProcessStack;
let db: Db;

beforeAll(async () => {
  db = testDb();
  stack = await startProcessStack();
});

afterAll(async () => {
  await stack?.stop();
  await db?.end();
});

async function temporalCli(...args: string[]): Promise<string> {
  const { stdout } = await run(inject('temporalCli'), [...args, '--address', stack.temporal.address, '--namespace', 'default']);
  return stdout;
}

interface TaskView {
  status: string;
  result?: { status: string; appliedEffects: string[]; approval?: { approverId: string; via: string } };
}

describe('a task, end to end through the real processes', () => {
  it('is submitted over HTTP, found by its search attributes, approved by `temporal workflow signal`, and completes', async () => {
    const tenant = freshTenant('e2e');
    await createTenant(db, tenant, 'End-to-end tenant');
    const { key } = await createApiKey(db, { tenant, name: 'e2e-operator', role: 'admin' });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const submitted = await fetch(`${stack.apiUrl}/v1/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ taskId: 'rec-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', priority: 4, input: reconciliationInput(0.5) }),
    });
    expect(submitted.status).toBeLessThan(300);
    const { workflowId } = (await submitted.json()) as { workflowId: string };
    expect(workflowId).toBe(`task:${tenant}:rec-1`);

    const getTask = async (): Promise<TaskView> => (await (await fetch(`${stack.apiUrl}/v1/tasks/rec-1`, { headers })).json()) as TaskView;
    await waitFor(async () => (await getTask()).status === 'AWAITING_APPROVAL', 60_000, 'the task to wait for approval');

    const listed = JSON.parse(await temporalCli('workflow', 'list', '--query', `AntsTenant="${tenant}" AND AntsStatus="AWAITING_APPROVAL"`, '--output', 'json')) as Array<{ execution: { workflowId: string }; searchAttributes: { indexedFields: Record<string, unknown> } }>;
    expect(listed.map((w) => w.execution.workflowId)).toEqual([workflowId]);
    const described = JSON.parse(await temporalCli('workflow', 'describe', '--workflow-id', workflowId, '--output', 'json')) as { workflowExecutionInfo: { searchAttributes: { indexedFields: Record<string, { data?: string }> } } };
    const fields = described.workflowExecutionInfo.searchAttributes.indexedFields;
    expect(Object.keys(fields).filter((name) => name.startsWith('Ants')).sort()).toEqual(['AntsAgentType', 'AntsPriority', 'AntsStatus', 'AntsTaskType', 'AntsTenant']);

    await temporalCli('workflow', 'signal', '--workflow-id', workflowId, '--name', 'approve', '--input', JSON.stringify({ approverId: 'alice', comment: 'approved from the CLI' }));
    await waitFor(async () => (await getTask()).status === 'COMPLETED', 60_000, 'the task to complete');

    const done = await getTask();
    expect(done.result?.status).toBe('COMPLETED');
    expect(done.result?.approval).toMatchObject({ approverId: 'alice', via: 'signal' });
    expect(done.result?.appliedEffects).toHaveLength(3);
    const audit = await db.query<{ kind: string; actor: string }>('select kind, actor from audit_log where tenant_id = $1 order by id', [tenant]);
    expect(audit.rows).toEqual([
      { kind: 'task.accepted', actor: 'e2e-operator' },
      { kind: 'task.verification_failed', actor: 'ants' },
      { kind: 'approval.requested', actor: 'ants' },
      { kind: 'approval.decided', actor: 'alice' },
      { kind: 'task.completed', actor: 'ants' },
    ]);
    const effects = await db.query('select effect_key from applied_effects where tenant_id = $1', [tenant]);
    expect(effects.rowCount).toBe(3);
  });
});
