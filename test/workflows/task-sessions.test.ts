import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startTask } from '../../api/tasks/submit.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { sessionWorkflowId } from '../../core/tasks/session.js';
import type { TaskStatusView, TaskWorkflowInput } from '../../core/tasks/task.js';
import { sessionQuery } from '../../workflows/session/messages.js';
import { approveSignal, rejectSignal, statusQuery } from '../../workflows/task/messages.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask } from '../support/tasks.js';

/*
 * Ordered sessions through the API's own start path: tasks of one session run one at a time in submission order,
 * whatever their endings; another session runs beside them; a repeated submission changes nothing.
 */
const harness = useTaskHarness();

async function submit(input: TaskWorkflowInput): Promise<WorkflowHandle> {
  const started = await startTask(harness.env.client, input);
  return harness.env.client.workflow.getHandle(started.workflowId);
}

const view = (handle: WorkflowHandle) => handle.query(statusQuery);
async function until(handle: WorkflowHandle, done: (v: TaskStatusView) => boolean, what: string): Promise<TaskStatusView> {
  let last: TaskStatusView | undefined;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    last = await view(handle).catch(() => undefined);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} never reached ${what}; last: ${JSON.stringify(last)}`);
}
const waitingForPerson = (v: TaskStatusView) => v.status === 'AWAITING_APPROVAL';

describe('ordered sessions', () => {
  it('runs the tasks of a session one after another in submission order, and other sessions beside them', async () => {
    const tenant = freshTenant('session');
    const inSession = (taskId: string, sessionId = 'customer-42') => reconcileTask(tenant, { taskId, sessionId, requireApproval: true });
    const a = await submit(inSession('a'));
    const b = await submit(inSession('b'));
    const c = await submit(inSession('c'));
    const other = await submit(inSession('x', 'customer-7'));

    await until(a, waitingForPerson, 'its approval');
    await until(other, waitingForPerson, 'its approval (another session does not wait)');
    expect((await view(b)).step).toBe('session');
    expect((await view(c)).step).toBe('session');
    const line = await harness.env.client.workflow.getHandle(sessionWorkflowId(tenant, 'customer-42')).query(sessionQuery);
    expect(line.queue.map((e) => e.taskId)).toEqual(['a', 'b', 'c']);

    // A repeated submission is the same task in the same place.
    expect((await startTask(harness.env.client, inSession('b'))).created).toBe(false);
    expect((await harness.env.client.workflow.getHandle(sessionWorkflowId(tenant, 'customer-42')).query(sessionQuery)).queue.map((e) => e.taskId)).toEqual(['a', 'b', 'c']);

    await a.signal(approveSignal, { approverId: 'alice' });
    expect((await a.result()).status).toBe('COMPLETED');
    await until(b, waitingForPerson, 'its approval after a');
    expect((await view(c)).step).toBe('session');

    // A rejection ends a task too: the next one goes.
    await b.signal(rejectSignal, { approverId: 'alice', comment: 'not this one' });
    expect((await b.result()).status).toBe('REJECTED');
    await until(c, waitingForPerson, 'its approval after b');
    await c.signal(approveSignal, { approverId: 'alice' });
    await other.signal(approveSignal, { approverId: 'alice' });
    await Promise.all([c.result(), other.result()]);

    const order = await harness.db.query<{ task_id: string }>("select task_id from audit_log where tenant_id = $1 and kind in ('task.completed', 'task.rejected') order by id", [tenant]);
    expect(order.rows.map((r) => r.task_id).filter((id) => id !== 'x')).toEqual(['a', 'b', 'c']);
    await expect.poll(async () => (await harness.env.client.workflow.getHandle(sessionWorkflowId(tenant, 'customer-42')).query(sessionQuery)).queue, { timeout: 10_000 }).toEqual([]);
  });

  it('passes the turn on when a task fails at once or its run is terminated', async () => {
    const tenant = freshTenant('session');
    // This session reminds its turn's holder every half second (five minutes by default).
    await harness.env.client.workflow.start('sessionWorkflow', { workflowId: sessionWorkflowId(tenant, 's'), taskQueue: TASK_QUEUES.workflows, args: [{ tenant, sessionId: 's', turnRecheckMs: 500 }] });
    const broken = await submit(reconcileTask(tenant, { taskId: 'broken', sessionId: 's', input: { invoices: 'not a list' } }));
    const stuck = await submit(reconcileTask(tenant, { taskId: 'stuck', sessionId: 's', requireApproval: true }));
    const next = await submit(reconcileTask(tenant, { taskId: 'next', sessionId: 's', requireApproval: true }));
    await expect(broken.result()).rejects.toThrow();
    await until(stuck, waitingForPerson, 'its turn after the broken task');
    // Terminated from outside: it never says it has finished, the session notices the next time it reminds it.
    await stuck.terminate('operator ended it');
    await until(next, waitingForPerson, 'its turn after the terminated task');
    await next.signal(approveSignal, { approverId: 'alice' });
    expect((await next.result()).status).toBe('COMPLETED');
  });
});
