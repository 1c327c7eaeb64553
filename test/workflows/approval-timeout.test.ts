import { describe, expect, it } from 'vitest';
import { statusQuery } from '../../workflows/task/messages.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask } from '../support/tasks.js';

const harness = useTaskHarness({ server: 'time-skipping' });

describe('approval timeout', () => {
  it('applies the safe default (reject, reason timeout) when nobody decides within a day', async () => {
    const tenant = freshTenant();
    const input = reconcileTask(tenant, { requireApproval: true, approvalTimeoutMs: 24 * 3600 * 1000 });
    const handle = await harness.start(input);
    const startedAt = await harness.env.currentTimeMs();
    // Time skips while the test waits on the result: a day passes in well under a second of wall time.
    const result = await handle.result();
    const elapsed = (await harness.env.currentTimeMs()) - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(result.status).toBe('REJECTED');
    expect(result.approval).toMatchObject({ decision: 'reject', reason: 'timeout', via: 'timer', approverId: 'system' });
    expect(result.appliedEffects).toEqual([]);
    const view = await handle.query(statusQuery);
    expect(view.status).toBe('REJECTED');

    const audit = await harness.db.query<{ kind: string; details: { reason: string } }>(
      "select kind, details from audit_log where tenant_id = $1 and task_id = $2 and kind like 'approval.%' order by id",
      [tenant, input.taskId],
    );
    expect(audit.rows.map((r) => r.kind)).toEqual(['approval.requested', 'approval.timeout']);
    expect(audit.rows[1]?.details.reason).toBe('timeout');
    const effects = await harness.db.query('select 1 from applied_effects where tenant_id = $1', [tenant]);
    expect(effects.rowCount).toBe(0);
  });
});
