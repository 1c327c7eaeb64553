import { industry as agent } from './draft.js';

/* Industry vertical agents of the whitepaper's taxonomy (§10.2 B). */
export const FINSERV_AGENTS = [
  agent({
    agentType: 'finserv.kyc', name: 'KYC agent',
    description: 'Automates know-your-customer checks: identity documents, ownership and screening.',
    capabilities: ['kyc', 'identity_verification', 'screening'], tools: ['kyc.verify_document', 'screening.search_lists'], tags: ['kyc', 'onboarding', 'compliance'],
    summary: 'Verify the identity documents, resolve beneficial owners and screen them against sanctions and PEP lists.',
    steps: [['verify_documents', 'Verify the identity documents.', 'kyc.verify_document'], ['resolve_owners', 'Resolve the beneficial owners.'], ['screen', 'Screen customer and owners against the lists.', 'screening.search_lists']],
  }),
  agent({
    agentType: 'finserv.aml', name: 'Anti-money-laundering agent',
    description: 'Monitors transactions for money-laundering patterns and prepares alerts for investigators.',
    capabilities: ['aml', 'transaction_monitoring'], tools: ['core_banking.read_transactions'], tags: ['aml', 'monitoring', 'compliance'],
    summary: 'Apply typology rules and network analysis to transactions and prepare alerts with their evidence.',
    steps: [['read_transactions', 'Read the transactions of the window.', 'core_banking.read_transactions'], ['apply_typologies', 'Apply structuring, layering and other typology rules.'], ['prepare_alerts', 'Prepare alerts with their evidence.']],
  }),
  agent({
    agentType: 'finserv.credit_risk', name: 'Credit risk agent',
    description: 'Assesses the credit risk of applicants and portfolios.',
    capabilities: ['credit_risk', 'scoring'], tools: ['bureau.read_report'], tags: ['credit', 'risk', 'lending'],
    summary: 'Combine bureau data and financials into a risk grade with the factors behind it.',
    steps: [['read_bureau', 'Read the credit bureau report.', 'bureau.read_report'], ['analyse_financials', 'Analyse the financial statements.'], ['grade', 'Assign a risk grade and explain it.']],
  }),
  agent({
    agentType: 'finserv.fraud_detection', name: 'Transaction fraud detection agent',
    description: 'Detects fraudulent card and payment transactions.',
    capabilities: ['fraud_detection', 'anomaly_detection'], tools: ['payments.read_transactions'], tags: ['fraud', 'cards', 'payments'],
    summary: 'Score transactions in near real time and hold the suspicious ones for review.',
    steps: [['read_transactions', 'Read incoming transactions.', 'payments.read_transactions'], ['score', 'Score each for fraud risk.'], ['hold', 'Propose holds for high-risk transactions.']],
    wakeOn: { events: ['transaction.high_value', 'transaction.unusual_pattern'], threshold: 1, sleepAfterIdleMinutes: 15 },
  }),
  agent({
    agentType: 'finserv.regulatory_reporting', name: 'Regulatory reporting agent',
    description: 'Generates regulatory reports from ledger and risk data.',
    capabilities: ['regulatory_reporting', 'compliance_reporting'], tools: ['gl.read_balances'], tags: ['regulatory', 'reporting', 'compliance'],
    summary: 'Map ledger and risk data onto the report template, validate it and explain every figure.',
    steps: [['read_data', 'Read balances and risk data.', 'gl.read_balances'], ['map', 'Map the data onto the report template.'], ['validate', 'Run the report validation rules.']],
  }),
  agent({
    agentType: 'finserv.portfolio_rebalancing', name: 'Portfolio rebalancing agent',
    description: 'Proposes trades that bring portfolios back to their target allocation.',
    capabilities: ['portfolio_rebalancing', 'allocation'], tools: ['portfolio.read_positions'], tags: ['portfolio', 'investments', 'allocation'],
    summary: 'Compare positions with the target allocation and propose trades within drift and cost limits.',
    steps: [['read_positions', 'Read positions and prices.', 'portfolio.read_positions'], ['measure_drift', 'Measure drift from the target allocation.'], ['propose_trades', 'Propose trades within limits.']],
  }),
];

export const RETAIL_AGENTS = [
  agent({
    agentType: 'retail.inventory', name: 'Retail inventory agent',
    description: 'Manages store and online inventory: replenishment and transfers between locations.',
    capabilities: ['inventory_optimization', 'replenishment', 'stock_transfer'], tools: ['pos.read_stock'], tags: ['inventory', 'stores', 'replenishment'],
    summary: 'Compare stock with expected sales per location and propose replenishment and transfers.',
    steps: [['read_stock', 'Read stock and sales per location.', 'pos.read_stock'], ['project', 'Project stock-outs from expected sales.'], ['propose', 'Propose replenishment and transfers.']],
    wakeOn: { events: ['inventory.critical_low'], threshold: 1, sleepAfterIdleMinutes: 30 },
  }),
  agent({
    agentType: 'retail.price_optimization', name: 'Price optimisation agent',
    description: 'Recommends prices from elasticity, competition and stock.',
    capabilities: ['price_optimization', 'elasticity'], tools: ['pricing.read_competitor_prices'], tags: ['pricing', 'margin', 'markdown'],
    summary: 'Estimate elasticity per product and recommend prices within the pricing rules.',
    steps: [['read_prices', 'Read own and competitor prices with sales.', 'pricing.read_competitor_prices'], ['elasticity', 'Estimate price elasticity.'], ['recommend', 'Recommend prices within the rules.']],
  }),
  agent({
    agentType: 'retail.demand_forecasting', name: 'Retail demand forecasting agent',
    description: 'Predicts sales demand per store and product.',
    capabilities: ['demand_forecasting', 'time_series'], tools: ['pos.read_sales'], tags: ['forecast', 'demand', 'stores'],
    summary: 'Forecast demand per store and product from sales, calendar events and promotions.',
    steps: [['read_sales', 'Read point-of-sale history.', 'pos.read_sales'], ['forecast', 'Forecast demand with its range.'], ['publish', 'Publish the forecast to replenishment.']],
  }),
  agent({
    agentType: 'retail.assortment_planning', name: 'Assortment planning agent',
    description: 'Optimises the product mix per store cluster.',
    capabilities: ['assortment_planning', 'product_mix'], tools: ['merch.read_catalog'], tags: ['assortment', 'merchandising', 'stores'],
    summary: 'Cluster stores by demand profile and propose the product mix for each cluster.',
    steps: [['read_catalog', 'Read the catalogue and performance per store.', 'merch.read_catalog'], ['cluster', 'Cluster stores by demand profile.'], ['propose_mix', 'Propose the mix per cluster within space limits.']],
  }),
  agent({
    agentType: 'retail.customer_personalization', name: 'Personalisation agent',
    description: 'Recommends products to customers from their history and similar customers.',
    capabilities: ['personalization', 'recommendation'], tools: ['commerce.read_orders'], tags: ['recommendations', 'customers', 'ecommerce'],
    summary: 'Find products a customer is likely to want from their orders and those of similar customers.',
    steps: [['read_orders', 'Read the customer order history.', 'commerce.read_orders'], ['similar_customers', 'Find similar customers.'], ['recommend', 'Recommend products not yet bought.']],
  }),
  agent({
    agentType: 'retail.loss_prevention', name: 'Loss prevention agent',
    description: 'Detects shrinkage and theft patterns from stock and till data.',
    capabilities: ['loss_prevention', 'anomaly_detection'], tools: ['pos.read_voids', 'pos.read_stock'], tags: ['shrinkage', 'theft', 'stores'],
    summary: 'Reconcile stock movements with sales and flag unusual voids, refunds and losses.',
    steps: [['read_movements', 'Read stock movements.', 'pos.read_stock'], ['read_voids', 'Read voids and refunds per till.', 'pos.read_voids'], ['flag', 'Flag unusual patterns per store and till.']],
  }),
];

export const MANUFACTURING_AGENTS = [
  agent({
    agentType: 'manufacturing.quality_control', name: 'Quality control agent',
    description: 'Detects defects from inspection and sensor data.',
    capabilities: ['quality_control', 'defect_detection'], tools: ['mes.read_inspections'], tags: ['quality', 'defects', 'sensors'],
    summary: 'Analyse inspection and sensor readings per batch and flag batches out of tolerance.',
    steps: [['read_inspections', 'Read inspection results and sensor readings.', 'mes.read_inspections'], ['spc', 'Apply statistical process control rules.'], ['flag_batches', 'Flag batches out of tolerance.']],
  }),
  agent({
    agentType: 'manufacturing.predictive_maintenance', name: 'Predictive maintenance agent',
    description: 'Predicts equipment failures from telemetry and maintenance history.',
    capabilities: ['predictive_maintenance', 'failure_prediction'], tools: ['iot.read_telemetry', 'cmms.read_work_orders'], tags: ['maintenance', 'equipment', 'iot'],
    summary: 'Detect degradation in telemetry and propose maintenance before the predicted failure.',
    steps: [['read_telemetry', 'Read vibration, temperature and load telemetry.', 'iot.read_telemetry'], ['detect_degradation', 'Detect degradation trends.'], ['propose_work', 'Propose work orders.', 'cmms.read_work_orders']],
    wakeOn: { events: ['equipment.anomaly'], threshold: 3, sleepAfterIdleMinutes: 30 },
  }),
  agent({
    agentType: 'manufacturing.production_scheduling', name: 'Production scheduling agent',
    description: 'Builds production schedules under capacity and material constraints.',
    capabilities: ['production_scheduling', 'capacity_planning'], tools: ['mes.read_orders'], tags: ['scheduling', 'production', 'capacity'],
    summary: 'Sequence orders on lines to meet due dates within capacity and changeover limits.',
    steps: [['read_orders', 'Read production orders and line capacity.', 'mes.read_orders'], ['sequence', 'Sequence orders to meet due dates.'], ['publish', 'Publish the schedule.']],
  }),
  agent({
    agentType: 'manufacturing.supply_planning', name: 'Supply planning agent',
    description: 'Times raw material procurement against the production plan.',
    capabilities: ['supply_planning', 'material_requirements'], tools: ['erp.read_bom'], tags: ['materials', 'planning', 'procurement'],
    summary: 'Explode the plan through bills of materials and time purchases by lead time.',
    steps: [['read_plan', 'Read the production plan and bills of materials.', 'erp.read_bom'], ['explode', 'Compute material requirements per period.'], ['time_purchases', 'Propose purchase timing by lead time.']],
  }),
  agent({
    agentType: 'manufacturing.energy_optimization', name: 'Energy optimisation agent',
    description: 'Reduces energy consumption and cost of production.',
    capabilities: ['energy_optimization', 'load_shifting'], tools: ['iot.read_meters'], tags: ['energy', 'sustainability', 'cost'],
    summary: 'Find energy-intensive steps and shift flexible load to cheaper hours.',
    steps: [['read_meters', 'Read energy meters per line.', 'iot.read_meters'], ['find_waste', 'Find idle consumption and peaks.'], ['shift_load', 'Propose load shifts to cheaper hours.']],
  }),
  agent({
    agentType: 'manufacturing.safety_monitoring', name: 'Safety monitoring agent',
    description: 'Predicts workplace safety incidents from near misses and conditions.',
    capabilities: ['safety_monitoring', 'incident_prediction'], tools: ['ehs.read_reports'], tags: ['safety', 'ehs', 'incidents'],
    summary: 'Correlate near-miss reports with conditions and flag areas at rising risk.',
    steps: [['read_reports', 'Read near-miss and incident reports.', 'ehs.read_reports'], ['correlate', 'Correlate with shift, area and conditions.'], ['flag_areas', 'Flag areas at rising risk.']],
  }),
];

export const HEALTHCARE_AGENTS = [
  agent({
    agentType: 'healthcare.patient_triage', name: 'Patient triage agent',
    description: 'Scores urgency from reported symptoms for a clinician to confirm.',
    capabilities: ['patient_triage', 'urgency_scoring'], tools: ['ehr.read_intake'], tags: ['triage', 'patients', 'clinical'],
    summary: 'Score urgency from intake symptoms with a protocol and hand the result to a clinician.',
    steps: [['read_intake', 'Read the intake form.', 'ehr.read_intake'], ['apply_protocol', 'Apply the triage protocol.'], ['hand_over', 'Hand the urgency and its reasons to a clinician.']],
  }),
  agent({
    agentType: 'healthcare.appointment_scheduling', name: 'Appointment scheduling agent',
    description: 'Books appointments matching urgency, clinician and patient availability.',
    capabilities: ['appointment_scheduling', 'booking'], tools: ['scheduling.find_slots'], tags: ['appointments', 'scheduling', 'patients'],
    summary: 'Find slots that fit urgency and preferences and propose bookings.',
    steps: [['read_request', 'Read the appointment request and urgency.'], ['find_slots', 'Find matching slots.', 'scheduling.find_slots'], ['propose', 'Propose the booking.']],
  }),
  agent({
    agentType: 'healthcare.claims_processing', name: 'Claims processing agent',
    description: 'Checks insurance claims for completeness, coverage and coding.',
    capabilities: ['claims_processing', 'coding_validation'], tools: ['claims.read_claims'], tags: ['claims', 'insurance', 'billing'],
    summary: 'Validate claims against coverage and coding rules and route exceptions to a person.',
    steps: [['read_claims', 'Read submitted claims.', 'claims.read_claims'], ['validate', 'Check coverage, coding and completeness.'], ['route', 'Propose payment or route exceptions.']],
  }),
  agent({
    agentType: 'healthcare.clinical_documentation', name: 'Clinical documentation agent',
    description: 'Summarises medical records for clinicians.',
    capabilities: ['clinical_summarization', 'documentation'], tools: ['ehr.read_records'], tags: ['records', 'summaries', 'clinical'],
    summary: 'Summarise the record of an encounter with citations back to the source notes.',
    steps: [['read_records', 'Read the notes and results of the encounter.', 'ehr.read_records'], ['summarise', 'Summarise problems, medications and plan.'], ['cite', 'Link every statement to its source note.']],
  }),
  agent({
    agentType: 'lifesciences.drug_discovery', name: 'Drug discovery agent',
    description: 'Screens candidate molecules against target properties.',
    capabilities: ['molecule_screening', 'drug_discovery'], tools: ['chem.compute_properties'], tags: ['molecules', 'screening', 'research', 'life_sciences'],
    summary: 'Compute properties of candidate molecules and rank them against the target profile.',
    steps: [['read_candidates', 'Read candidate molecules.'], ['compute_properties', 'Compute their properties.', 'chem.compute_properties'], ['rank', 'Rank against the target profile.']],
  }),
  agent({
    agentType: 'lifesciences.clinical_trial_matching', name: 'Clinical trial matching agent',
    description: 'Matches patients to clinical trials by eligibility criteria.',
    capabilities: ['trial_matching', 'eligibility_screening'], tools: ['trials.search', 'ehr.read_records'], tags: ['trials', 'patients', 'research', 'life_sciences'],
    summary: 'Compare patient records with trial eligibility criteria and list the trials each patient may join.',
    steps: [['read_patient', 'Read the patient record.', 'ehr.read_records'], ['search_trials', 'Search open trials.', 'trials.search'], ['check_eligibility', 'Check each criterion and list the matches.']],
  }),
];
