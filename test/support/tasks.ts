import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../core/tasks/json.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';

/** Invoices and payments whose references match; `difference` is added to every payment amount. */
export function reconciliationInput(difference = 0, count = 3): JsonObject {
  const invoices = Array.from({ length: count }, (_, i) => ({ id: `inv-${i + 1}`, amount: 100 * (i + 1), currency: 'EUR', reference: `REF-${i + 1}` }));
  const payments = invoices.map((inv, i) => ({ id: `pay-${i + 1}`, amount: inv.amount + difference, currency: 'EUR', reference: ` ref-${i + 1} ` }));
  return { invoices, payments };
}

export function reconcileTask(tenant: string, overrides: Partial<TaskWorkflowInput> = {}): TaskWorkflowInput {
  return {
    tenant,
    taskId: `recon-${randomUUID().slice(0, 8)}`,
    agentType: 'finance.reconciliation',
    taskType: 'reconcile_payments',
    priority: 3,
    input: reconciliationInput(),
    acceptance: [],
    requireApproval: false,
    approvalTimeoutMs: 3_600_000,
    maxAttempts: 3,
    requestedBy: 'submitter',
    ...overrides,
  };
}
