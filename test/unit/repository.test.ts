import { describe, expect, it } from 'vitest';
import { AGENT_CATALOG, findTaskType } from '../../core/agents/catalog.js';
import { activeHourlyCost, costOf, DEFAULT_COST_MODEL, monthlyFleetCost, sleepingHourlyCost } from '../../core/agents/costs.js';
import { AGENT_REPOSITORY, filterRepository, findRepositoryEntry, isExecutable, loadRepository } from '../../core/agents/repository/index.js';
import { buildSearchIndex } from '../../core/agents/repository/search.js';

/** The whitepaper's taxonomy (§10.2), every agent type it names, plus the defender and the meta agents. */
const TAXONOMY = [
  'hr.recruitment', 'hr.onboarding', 'hr.performance', 'hr.learning', 'hr.compliance',
  'crm.lead_scoring', 'crm.customer_support', 'crm.sentiment_analysis', 'crm.churn_prediction', 'crm.upsell',
  'supply_chain.demand_forecasting', 'supply_chain.procurement', 'supply_chain.inventory', 'logistics.route_optimization', 'logistics.shipment_tracking', 'distribution.warehouse_optimization',
  'finance.reconciliation', 'finance.ap_automation', 'finance.ar_collections', 'finance.expense_audit', 'finance.budget_monitoring', 'finance.fraud_detection',
  'sales.lead_nurturing', 'sales.quote_generation', 'sales.forecast', 'marketing.content_generation', 'marketing.campaign_optimization', 'marketing.social_listening',
  'selfops.infraops', 'selfops.dataops', 'selfops.agentops', 'selfops.secops', 'it.incident_management', 'it.change_management',
  'finserv.kyc', 'finserv.aml', 'finserv.credit_risk', 'finserv.fraud_detection', 'finserv.regulatory_reporting', 'finserv.portfolio_rebalancing',
  'retail.inventory', 'retail.price_optimization', 'retail.demand_forecasting', 'retail.assortment_planning', 'retail.customer_personalization', 'retail.loss_prevention',
  'manufacturing.quality_control', 'manufacturing.predictive_maintenance', 'manufacturing.production_scheduling', 'manufacturing.supply_planning', 'manufacturing.energy_optimization', 'manufacturing.safety_monitoring',
  'healthcare.patient_triage', 'healthcare.appointment_scheduling', 'healthcare.claims_processing', 'healthcare.clinical_documentation', 'lifesciences.drug_discovery', 'lifesciences.clinical_trial_matching',
  'cybersecurity.defender', 'meta.tool_discovery', 'meta.integration_builder',
];

describe('agent repository', () => {
  it('holds the whole taxonomy, each agent type once', () => {
    expect(AGENT_REPOSITORY.map((e) => e.agentType).sort()).toEqual([...TAXONOMY].sort());
  });

  it('marks exactly the catalog task types as executable, and findTaskType still finds only those', () => {
    const executable = AGENT_REPOSITORY.filter(isExecutable).map((e) => `${e.agentType}/${e.playbook.executableTaskTypes.join(',')}`);
    expect(executable.sort()).toEqual(AGENT_CATALOG.map((a) => `${a.agentType}/${a.taskTypes.map((t) => t.taskType).join(',')}`).sort());
    expect(findTaskType('finance.reconciliation', 'reconcile_payments').ok).toBe(true);
    expect(findTaskType('hr.onboarding', 'onboard_employee').ok).toBe(true);
    expect(findTaskType('selfops.secops', 'triage_alert').ok).toBe(true);
    // Described, not executable: the repository knows it, the task loop does not pretend to run it.
    expect(findRepositoryEntry('finserv.kyc')?.playbook.steps.length).toBeGreaterThan(0);
    expect(findTaskType('finserv.kyc', 'verify_customer')).toMatchObject({ ok: false, reason: expect.stringContaining('unknown agent type') });
  });

  it('refuses malformed entries at load, naming each problem', () => {
    const valid = findRepositoryEntry('finserv.kyc');
    const reconciliation = findRepositoryEntry('finance.reconciliation');
    expect(() => loadRepository([{ ...valid, costTier: 'sometimes' }, reconciliation, findRepositoryEntry('hr.onboarding'), findRepositoryEntry('selfops.secops')])).toThrow(/entry 0: costTier/);
    expect(() => loadRepository([valid, valid], [])).toThrow(/appears twice/);
    expect(() => loadRepository([{ ...valid, department: 'finance' }], [])).toThrow(/names its industry and only that/);
    expect(() => loadRepository([{ ...valid, playbook: { ...valid?.playbook, executableTaskTypes: ['verify_customer'] } }], [])).toThrow(/not in the executable catalog/);
    expect(() => loadRepository([{ ...valid, playbook: { ...valid?.playbook, steps: [{ name: 'x', description: 'uses a tool it does not require', tool: 'erp.anything' }] } }], [])).toThrow(/not among the required tools/);
    expect(() => loadRepository([valid])).toThrow(/finance.reconciliation is missing from the repository/);
  });

  it('filters by department, industry and capability', () => {
    expect(filterRepository({ department: 'finance' }).map((e) => e.agentType)).toEqual([
      'finance.reconciliation', 'finance.ap_automation', 'finance.ar_collections', 'finance.expense_audit', 'finance.budget_monitoring', 'finance.fraud_detection',
    ]);
    expect(filterRepository({ industry: 'retail' })).toHaveLength(6);
    expect(filterRepository({ capability: 'demand_forecasting' }).map((e) => e.agentType)).toEqual(['supply_chain.demand_forecasting', 'retail.demand_forecasting']);
    expect(filterRepository({ department: 'finance', capability: 'fraud_detection' }).map((e) => e.agentType)).toEqual(['finance.fraud_detection']);
  });

  it('takes tiers from the whitepaper: always-on defenders, business-hours support, on-demand for the rest', () => {
    expect(findRepositoryEntry('cybersecurity.defender')).toMatchObject({ costTier: 'always_on', defaultLifecycle: 'active' });
    expect(findRepositoryEntry('crm.customer_support')).toMatchObject({ costTier: 'business_hours', defaultLifecycle: 'sleeping' });
    expect(findRepositoryEntry('finance.reconciliation')).toMatchObject({ costTier: 'on_demand', defaultLifecycle: 'cold', estimatedCostPerHour: 0.21 });
    expect(findRepositoryEntry('finance.fraud_detection')?.wakeOn).toEqual({ events: ['transaction.high_value', 'transaction.unusual_pattern'], threshold: 1, sleepAfterIdleMinutes: 15 });
  });

  it('ranks search results by relevance', () => {
    const index = buildSearchIndex(AGENT_REPOSITORY);
    const top = (q: string, n = 2) => index.search(q).slice(0, n).map((h) => h.entry.agentType).sort();
    expect(top('inventory optimization')).toEqual(['retail.inventory', 'supply_chain.inventory']);
    expect(top('demand forecasting')).toEqual(['retail.demand_forecasting', 'supply_chain.demand_forecasting']);
    expect(top('optimise delivery routes', 1)).toEqual(['logistics.route_optimization']);
    expect(top('security alert triage')).toEqual(['cybersecurity.defender', 'selfops.secops']);
    const hits = index.search('reconcile bank payments');
    expect(hits[0]?.entry.agentType).toBe('finance.reconciliation');
    expect(hits.every((h, i) => i === 0 || (hits[i - 1]?.score ?? 0) >= h.score)).toBe(true);
    expect(index.search('zzz qqq')).toEqual([]);
  });
});

describe('agent cost model', () => {
  it('uses the whitepaper figures: $0.21/h running, $0.01/h sleeping', () => {
    expect(activeHourlyCost(DEFAULT_COST_MODEL)).toBe(0.21);
    expect(sleepingHourlyCost(DEFAULT_COST_MODEL)).toBe(0.01);
  });

  it('reproduces the reference month: 500 agents used 2 h/day', () => {
    expect(monthlyFleetCost(500, 2)).toEqual({ sleepWakeUsd: 9600, alwaysOnUsd: 75600, savingUsd: 66000, savingRatio: 0.873 });
  });

  it('prices one agent from its hours and metered tokens', () => {
    const hour = 3_600_000;
    const estimated = costOf({ activeMs: 2 * hour, sleepingMs: 22 * hour, tokens: 0 });
    expect(estimated).toMatchObject({ computeUsd: 0.2, llmUsd: 0.2, llmBasis: 'estimated', storageUsd: 0.24, totalUsd: 0.64, alwaysOnUsd: 5.04, savingUsd: 4.4 });
    expect(costOf({ activeMs: hour, sleepingMs: 0, tokens: 10_000 })).toMatchObject({ llmUsd: 0.02, llmBasis: 'metered', totalUsd: 0.13 });
  });
});
