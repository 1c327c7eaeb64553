import { describe, expect, it } from 'vitest';
import { findTaskType } from '../../core/agents/catalog.js';
import { planFromPlaybook, playbookConfidence } from '../../core/agents/plan.js';
import type { TaskTypeSpec } from '../../core/agents/playbook.js';
import { inputShape } from '../../core/tasks/shape.js';

function reconcileSpec(): TaskTypeSpec {
  const found = findTaskType('finance.reconciliation', 'reconcile_payments');
  if (!found.ok) throw new Error(found.reason);
  return found.taskType;
}

const noHistory = { similarEpisodes: [], procedures: [] };

describe('playbook reasoner', () => {
  it('feeds the declared steps from the task input and widens the tolerance on each retry', () => {
    const spec = reconcileSpec();
    const input = { invoices: [], payments: [], unrelated: 1 };
    const first = planFromPlaybook(spec, input, 1, noHistory);
    expect(first.steps).toEqual([{ tool: 'finance.match_transactions', input: { invoices: [], payments: [], amountTolerance: 0 } }]);
    expect(planFromPlaybook(spec, input, 2, noHistory).steps[0]?.input.amountTolerance).toBe(1);
    expect(planFromPlaybook(spec, input, 3, noHistory).steps[0]?.input.amountTolerance).toBe(5);
    expect(planFromPlaybook(spec, input, 7, noHistory).steps[0]?.input.amountTolerance).toBe(5);
    expect(planFromPlaybook(spec, input, 2, noHistory).rationale).toMatch(/after a failed verification/);
  });

  it('tempers confidence by the procedure track record and by retries', () => {
    const spec = reconcileSpec();
    expect(playbookConfidence(spec, 1, noHistory)).toBe(0.9);
    expect(playbookConfidence(spec, 2, noHistory)).toBe(0.81);
    const poorTrack = { similarEpisodes: [], procedures: [{ procedure: 'match-by-reference', uses: 4, successRate: 0.25 }] };
    expect(playbookConfidence(spec, 1, poorTrack)).toBe(0.563);
  });
});

describe('catalog', () => {
  it('explains an unknown agent type or task type', () => {
    expect(findTaskType('nope', 'x')).toEqual({ ok: false, reason: 'unknown agent type "nope"' });
    const missing = findTaskType('finance.reconciliation', 'x');
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.reason).toMatch(/known: reconcile_payments/);
  });

  it('derives effects and impact from the final tool output', () => {
    const spec = reconcileSpec();
    const outputs = [{ tool: 'finance.match_transactions', ok: true, durationMs: 1, output: { adjustments: [{ invoiceId: 'i1', paymentId: 'p1', amount: 1200, currency: 'EUR' }], totalAdjustment: 1200 } }];
    expect(spec.impact(outputs)).toBe('high');
    const offsetting = [{ ...outputs[0]!, output: { adjustments: [{ invoiceId: 'a', paymentId: 'b', amount: 6000 }, { invoiceId: 'c', paymentId: 'd', amount: -6000 }], totalAdjustment: 0 } }];
    expect(spec.impact(offsetting)).toBe('critical');
    expect(spec.effects(outputs)).toEqual([{ key: 'ledger.adjustment:i1:p1', kind: 'ledger.adjustment', payload: { invoiceId: 'i1', paymentId: 'p1', amount: 1200, currency: 'EUR' } }]);
  });
});

describe('inputShape', () => {
  it('is the same for inputs of the same structure and differs otherwise', () => {
    const a = inputShape({ invoices: [{ id: 1, amount: 2 }], payments: [] });
    const b = inputShape({ payments: [{ id: 9 }], invoices: [{ amount: 5, id: 7 }] });
    expect(a).toBe('invoices,invoices.[],invoices.[].amount,invoices.[].id,payments');
    expect(b).toBe('invoices,invoices.[],invoices.[].amount,invoices.[].id,payments,payments.[],payments.[].id');
    expect(inputShape({ employee: { id: 'e' } })).not.toBe(a);
  });
});
