import { z } from 'zod';
import type { JsonObject, JsonValue } from '../tasks/json.js';
import { readPath } from '../tasks/json.js';
import type { Impact, ProposedEffect, ToolRunResult } from '../tasks/task.js';
import { finalOutput, type AgentTypeSpec, type TaskTypeSpec } from './playbook.js';

/*
 * The agent types the foundation ships with, one task type each, as data. The full repository of the whitepaper's
 * taxonomy (§10.2) grows out of this shape; every task type names its tools, acceptance rules, policy and how its
 * effects and impact are derived from tool outputs.
 */

const money = z.number().finite();
const ledgerLine = z.object({ id: z.string().min(1), amount: money, currency: z.string().length(3), reference: z.string() }).strict();

function asList(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function asObject(value: JsonValue | undefined): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Gross, not net: a +5 000 and a −5 000 adjustment are 10 000 of ledger movement, not nothing. */
function reconciliationImpact(outputs: readonly ToolRunResult[]): Impact {
  const total = asList(readPath(finalOutput(outputs), 'adjustments')).reduce<number>((sum, entry) => sum + Math.abs(Number(asObject(entry).amount ?? 0)), 0);
  if (total >= 10_000) return 'critical';
  if (total >= 1_000) return 'high';
  return total > 0 ? 'medium' : 'low';
}

function ledgerAdjustments(outputs: readonly ToolRunResult[]): ProposedEffect[] {
  return asList(readPath(finalOutput(outputs), 'adjustments')).map((entry) => {
    const adjustment = asObject(entry);
    return { key: `ledger.adjustment:${String(adjustment.invoiceId)}:${String(adjustment.paymentId)}`, kind: 'ledger.adjustment', payload: adjustment };
  });
}

// A failed verification usually means rounding or bank fees: widen the tolerance step by step.
const WIDENING_TOLERANCE = [{ amountTolerance: 1 }, { amountTolerance: 5 }];

const reconcilePayments: TaskTypeSpec = {
  taskType: 'reconcile_payments',
  description: 'Match invoices against received payments and propose ledger adjustments for small differences.',
  input: z
    .object({ invoices: z.array(ledgerLine).min(1).max(10_000), payments: z.array(ledgerLine).max(10_000) })
    .strict() as z.ZodType<JsonObject>,
  playbook: {
    procedure: 'match-by-reference',
    version: 1,
    baseConfidence: 0.9,
    steps: [{ tool: 'finance.match_transactions', inputFrom: { invoices: 'invoices', payments: 'payments' }, params: { amountTolerance: 0 } }],
    retryParams: WIDENING_TOLERANCE,
  },
  acceptance: [{ path: 'unmatchedInvoices', check: 'maxItems', value: 0 }],
  requiresApproval: false,
  impact: reconciliationImpact,
  effects: ledgerAdjustments,
};

const chargesApi = z
  .object({
    specUrl: z.string().url().max(2000),
    /** The API's operation that lists charges (cursor-paginated). */
    operation: z.string().min(1).max(200).default('listCharges'),
    /** The credential the tools pool adds to the API's requests (its name, never its value). */
    secret: z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/).optional(),
  })
  .strict();

/**
 * The payments come from a payment provider's API rather than the submission: the agent needs a tool for the
 * provider's "list charges" operation, and asks the meta-agent for it when the tenant has none yet.
 */
const reconcileCharges: TaskTypeSpec = {
  taskType: 'reconcile_charges',
  description: "Fetch the payment provider's charges through its API and match them against invoices, proposing ledger adjustments.",
  input: z.object({ invoices: z.array(ledgerLine).min(1).max(10_000), chargesApi }).strict() as z.ZodType<JsonObject>,
  playbook: {
    procedure: 'fetch-charges-then-match',
    version: 1,
    baseConfidence: 0.88,
    steps: [
      { tool: '@charges', inputFrom: {}, params: { all: true, limit: 100 } },
      { tool: 'finance.charges_to_payments', inputFrom: {}, fromPrevious: { charges: 'data' }, params: {} },
      { tool: 'finance.match_transactions', inputFrom: { invoices: 'invoices' }, fromPrevious: { payments: 'payments' }, params: { amountTolerance: 0 } },
    ],
    retryParams: WIDENING_TOLERANCE,
  },
  acceptance: [{ path: 'unmatchedInvoices', check: 'maxItems', value: 0 }],
  requiresApproval: false,
  impact: reconciliationImpact,
  effects: ledgerAdjustments,
  capabilities(input) {
    const api = chargesApi.parse(input.chargesApi);
    return [{ alias: 'charges', source: { specUrl: api.specUrl }, operation: api.operation, ...(api.secret ? { secret: api.secret } : {}) }];
  },
};

const onboardEmployee: TaskTypeSpec = {
  taskType: 'onboard_employee',
  description: 'Build the onboarding checklist for a new hire and provision their accounts.',
  input: z
    .object({
      employee: z
        .object({
          id: z.string().min(1),
          name: z.string().min(1),
          role: z.string().min(1),
          department: z.string().min(1),
          startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
          location: z.string().optional(),
        })
        .strict(),
    })
    .strict() as z.ZodType<JsonObject>,
  playbook: {
    procedure: 'standard-onboarding',
    version: 1,
    baseConfidence: 0.85,
    steps: [{ tool: 'hr.onboarding_checklist', inputFrom: { employee: 'employee' }, params: {} }],
    retryParams: [],
  },
  acceptance: [
    { path: 'items', check: 'minItems', value: 1 },
    { path: 'accounts', check: 'minItems', value: 1 },
  ],
  requiresApproval: false,
  impact: () => 'medium',
  effects(outputs: readonly ToolRunResult[]): ProposedEffect[] {
    const output = finalOutput(outputs);
    const employeeId = String(readPath(output, 'employeeId') ?? 'unknown');
    return asList(readPath(output, 'accounts')).map((system) => ({
      key: `account.provision:${employeeId}:${String(system)}`,
      kind: 'account.provision',
      payload: { employeeId, system: String(system) },
    }));
  },
};

const triageAlert: TaskTypeSpec = {
  taskType: 'triage_alert',
  description: 'Score a security alert, recommend actions and open an incident ticket when it is serious.',
  input: z
    .object({
      alert: z
        .object({
          id: z.string().min(1),
          source: z.string().min(1),
          indicators: z
            .array(
              z
                .object({ type: z.enum(['ip', 'domain', 'hash', 'user']), value: z.string().min(1), reputation: z.number().min(0).max(1).optional() })
                .strict(),
            )
            .max(1000),
          assetCriticality: z.enum(['low', 'medium', 'high', 'critical']),
        })
        .strict(),
    })
    .strict() as z.ZodType<JsonObject>,
  playbook: {
    procedure: 'alert-triage',
    version: 1,
    baseConfidence: 0.8,
    steps: [{ tool: 'secops.triage_alert', inputFrom: { alert: 'alert' }, params: {} }],
    retryParams: [],
  },
  acceptance: [{ path: 'severity', check: 'oneOf', values: ['low', 'medium', 'high', 'critical'] }],
  requiresApproval: false,
  impact(outputs: readonly ToolRunResult[]): Impact {
    const severity = readPath(finalOutput(outputs), 'severity');
    return severity === 'critical' || severity === 'high' || severity === 'medium' ? severity : 'low';
  },
  effects(outputs: readonly ToolRunResult[]): ProposedEffect[] {
    const output = finalOutput(outputs);
    const severity = readPath(output, 'severity');
    if (severity !== 'high' && severity !== 'critical') return [];
    const alertId = String(readPath(output, 'alertId') ?? 'unknown');
    return [{ key: `incident.open:${alertId}`, kind: 'incident.open', payload: { alertId, severity, actions: readPath(output, 'recommendedActions') ?? [] } }];
  },
};

export const AGENT_CATALOG: readonly AgentTypeSpec[] = [
  { agentType: 'finance.reconciliation', name: 'Reconciliation agent', department: 'finance', capabilities: ['reconciliation', 'matching'], taskTypes: [reconcilePayments, reconcileCharges] },
  { agentType: 'hr.onboarding', name: 'Onboarding agent', department: 'hr', capabilities: ['onboarding', 'provisioning'], taskTypes: [onboardEmployee] },
  { agentType: 'selfops.secops', name: 'Security operations agent', department: 'it', capabilities: ['triage', 'incident_response'], taskTypes: [triageAlert] },
];

export type TaskTypeLookup =
  | { ok: true; agent: AgentTypeSpec; taskType: TaskTypeSpec }
  | { ok: false; reason: string };

export function findTaskType(agentType: string, taskType: string): TaskTypeLookup {
  const agent = AGENT_CATALOG.find((a) => a.agentType === agentType);
  if (!agent) return { ok: false, reason: `unknown agent type "${agentType}"` };
  const spec = agent.taskTypes.find((t) => t.taskType === taskType);
  if (!spec) {
    const known = agent.taskTypes.map((t) => t.taskType).join(', ');
    return { ok: false, reason: `agent type "${agentType}" has no task type "${taskType}" (known: ${known})` };
  }
  return { ok: true, agent, taskType: spec };
}
