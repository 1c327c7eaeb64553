import { describe, expect, it } from 'vitest';
import { setDelegationMode } from '../../activities/decisions/policy.js';
import type { DelegationMode } from '../../core/decisions/delegation.js';
import { decideUpdate } from '../../workflows/task/messages.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconcileTask, reconciliationInput } from '../support/tasks.js';

const harness = useTaskHarness();
const AGENT = 'finance.reconciliation';

async function tenantIn(mode: DelegationMode, revertWindowSeconds = 3600): Promise<string> {
  const tenant = freshTenant('deleg');
  await setDelegationMode(harness.db, { tenant, agentType: AGENT, mode, listedActions: [], revertWindowSeconds, changedBy: 'ada' });
  return tenant;
}

describe('delegation modes', () => {
  it('full automation: a novel task the rules would escalate completes without a person; the mode change is audited', async () => {
    const tenant = freshTenant('deleg');
    await setDelegationMode(harness.db, { tenant, agentType: AGENT, mode: 'human_in_the_loop', listedActions: [], revertWindowSeconds: 60, changedBy: 'ada' });
    await setDelegationMode(harness.db, { tenant, agentType: AGENT, mode: 'full_automation', listedActions: [], revertWindowSeconds: 60, changedBy: 'ada' });
    const input = reconcileTask(tenant, { input: reconciliationInput(0.5) });
    const result = await (await harness.start(input)).result();
    expect(result.status).toBe('COMPLETED');
    expect(result.approval).toBeUndefined();
    expect(result.escalationReasons).toEqual([]);
    expect(result.appliedEffects).toHaveLength(3);
    const changes = await harness.db.query<{ actor: string; details: { from: string | null; to: string } }>(
      "select actor, details from audit_log where tenant_id = $1 and kind = 'delegation.changed' order by id",
      [tenant],
    );
    expect(changes.rows.map((r) => [r.actor, r.details.from, r.details.to])).toEqual([
      ['ada', null, 'human_in_the_loop'],
      ['ada', 'human_in_the_loop', 'full_automation'],
    ]);
    expect((await harness.db.query('select 1 from approval_requests where tenant_id = $1', [tenant])).rowCount).toBe(0);
  });

  it('full automation still waits when policy demands a person', async () => {
    const tenant = await tenantIn('full_automation');
    const handle = await harness.start(reconcileTask(tenant, { requireApproval: true, requestedBy: 'sue' }));
    await harness.waitForStatus(handle, 'AWAITING_APPROVAL');
    await handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', approverId: 'ann' }] });
    expect((await handle.result()).escalationReasons).toEqual(['policy requires a human decision']);
  });

  it('human on the loop: the agent applies first; a rejection within the window reverts the effects', async () => {
    const tenant = await tenantIn('human_on_the_loop');
    const input = reconcileTask(tenant, { input: reconciliationInput(0.5), requestedBy: 'sue' });
    const handle = await harness.start(input);
    await harness.waitForStatus(handle, 'AWAITING_APPROVAL');
    const applied = await harness.db.query('select effect_key from applied_effects where tenant_id = $1', [tenant]);
    expect(applied.rowCount).toBe(3); // acted before anyone looked
    const record = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'reject', approverId: 'ann', comment: 'wrong ledger' }] });
    expect(record).toMatchObject({ decision: 'reject', approverId: 'ann', via: 'update' });
    const result = await handle.result();
    expect(result.status).toBe('REJECTED');
    expect(result.escalationReasons).toContain('no similar past episode to learn from');
    const request = await harness.db.query<{ reasons: string[]; safe_default: string }>("select context->'reasons' as reasons, safe_default from approval_requests where tenant_id = $1", [tenant]);
    expect(request.rows[0]?.reasons.at(-1)).toBe('applied already: reject reverts the effects');
    expect(request.rows[0]?.safe_default).toBe('approve'); // silence keeps what the agent did
    const reverted = await harness.db.query('select effect_key, reverted_by from reverted_effects where tenant_id = $1 order by effect_key', [tenant]);
    expect(reverted.rows).toHaveLength(3);
    expect(reverted.rows[0]).toMatchObject({ reverted_by: 'ann' });
    const kinds = await harness.db.query<{ kind: string }>('select kind from audit_log where tenant_id = $1 and task_id = $2 order by id', [tenant, input.taskId]);
    expect(kinds.rows.map((r) => r.kind).slice(-3)).toEqual(['approval.decided', 'task.reverted', 'task.rejected']);
  });

  it('human in the loop: every task waits, and people approving lowers the agent type’s threshold (the feedback loop)', async () => {
    const tenant = await tenantIn('human_in_the_loop');
    for (let i = 0; i < 5; i += 1) {
      const handle = await harness.start(reconcileTask(tenant, { requestedBy: 'sue' }));
      await harness.waitForStatus(handle, 'AWAITING_APPROVAL');
      await handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', approverId: 'ann' }] });
      const result = await handle.result();
      expect(result.escalationReasons).toContain('delegation mode: a person takes part in every decision');
    }
    const threshold = await harness.db.query('select min_confidence, decisions_seen from escalation_thresholds where tenant_id = $1 and agent_type = $2', [tenant, AGENT]);
    expect(threshold.rows).toEqual([{ min_confidence: 0.68, decisions_seen: 5 }]);
    const decisions = await harness.db.query("select count(*)::int as n from human_decisions where tenant_id = $1 and decision = 'approve'", [tenant]);
    expect(decisions.rows[0]).toEqual({ n: 5 });
  });
});
