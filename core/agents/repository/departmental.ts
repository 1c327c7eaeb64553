import { departmental as agent } from './draft.js';

/* Departmental agents of the whitepaper's taxonomy (§10.2 A): HR, CRM, supply chain, finance, sales & marketing, IT. */
export const HR_AGENTS = [
  agent({
    agentType: 'hr.recruitment', name: 'Recruitment agent', tier: 'business_hours',
    description: 'Screens résumés against a job profile, ranks candidates and proposes interview slots.',
    capabilities: ['resume_screening', 'candidate_matching', 'interview_scheduling'], tools: ['ats.read_applications', 'calendar.find_slots'], tags: ['hiring', 'talent', 'candidates'],
    summary: 'Read the open applications, score each against the role profile, shortlist and propose interview times.',
    steps: [['read_applications', 'Fetch new applications for the requisition from the applicant tracking system.', 'ats.read_applications'], ['score_candidates', 'Score each candidate against the required skills and experience of the role.'], ['propose_interviews', 'Find interview slots that suit the panel for the shortlisted candidates.', 'calendar.find_slots']],
  }),
  agent({
    agentType: 'hr.onboarding', name: 'Onboarding agent', procedure: 'standard-onboarding',
    description: 'Builds the onboarding checklist for a new hire and provisions their accounts.',
    capabilities: ['onboarding', 'provisioning'], tools: ['hr.onboarding_checklist'], tags: ['new_hire', 'accounts', 'documentation'],
    summary: 'Derive the checklist and the accounts to provision from the role and department of the new hire.',
    steps: [['build_checklist', 'Build the onboarding checklist and the list of accounts for the role and department.', 'hr.onboarding_checklist']],
    executableTaskTypes: ['onboard_employee'],
  }),
  agent({
    agentType: 'hr.performance', name: 'Performance review agent',
    description: 'Aggregates review feedback per employee and summarises strengths, gaps and trends.',
    capabilities: ['performance_review', 'feedback_analysis'], tools: ['hris.read_reviews'], tags: ['reviews', 'feedback', 'appraisal'],
    summary: 'Collect the review cycle feedback, group it by theme and write a balanced summary per employee.',
    steps: [['collect_feedback', 'Read the peer, manager and self reviews of the cycle.', 'hris.read_reviews'], ['group_themes', 'Group comments into recurring themes with their sentiment.'], ['summarise', 'Write a summary per employee that cites the feedback it rests on.']],
  }),
  agent({
    agentType: 'hr.learning', name: 'Learning agent',
    description: 'Finds skill gaps against role profiles and recommends training.',
    capabilities: ['skill_gap_analysis', 'training_recommendation'], tools: ['hris.read_skills', 'lms.search_courses'], tags: ['training', 'skills', 'development'],
    summary: 'Compare recorded skills with the role profile and match the gaps to available courses.',
    steps: [['read_skills', 'Read the employee skills and the profile of their role.', 'hris.read_skills'], ['find_gaps', 'List the skills the role needs that the employee lacks.'], ['match_courses', 'Match each gap to courses in the learning catalogue.', 'lms.search_courses']],
  }),
  agent({
    agentType: 'hr.compliance', name: 'HR compliance agent',
    description: 'Checks HR records against company policy and labour law rules and flags breaches.',
    capabilities: ['policy_compliance', 'labor_law'], tools: ['hris.read_records'], tags: ['compliance', 'policy', 'labour_law'],
    summary: 'Evaluate working time, contracts and leave records against the configured rules and report breaches.',
    steps: [['read_records', 'Read contracts, working time and leave records.', 'hris.read_records'], ['evaluate_rules', 'Evaluate each record against the policy and labour law rules.'], ['report_breaches', 'Report each breach with the rule and the record behind it.']],
  }),
];

export const CRM_AGENTS = [
  agent({
    agentType: 'crm.lead_scoring', name: 'Lead scoring agent',
    description: 'Qualifies and prioritises leads from their fit and engagement.',
    capabilities: ['lead_scoring', 'lead_qualification'], tools: ['crm.read_leads'], tags: ['leads', 'prioritisation', 'pipeline'],
    summary: 'Score every new lead on firmographic fit and engagement and rank the queue for sales.',
    steps: [['read_leads', 'Read new and changed leads with their activity.', 'crm.read_leads'], ['score', 'Score fit and engagement and combine them into a priority.'], ['rank', 'Rank the queue and explain the top reasons for each score.']],
  }),
  agent({
    agentType: 'crm.customer_support', name: 'Customer support agent', tier: 'business_hours',
    description: 'Routes support tickets to the right queue and drafts replies.',
    capabilities: ['ticket_routing', 'response_generation'], tools: ['helpdesk.read_tickets', 'helpdesk.draft_reply'], tags: ['support', 'tickets', 'customer_service'],
    summary: 'Classify each ticket, route it and draft a reply from the knowledge base for a person to send.',
    steps: [['read_tickets', 'Read new tickets from the help desk.', 'helpdesk.read_tickets'], ['classify', 'Classify topic, urgency and language.'], ['draft_reply', 'Draft a reply citing the knowledge base articles used.', 'helpdesk.draft_reply']],
  }),
  agent({
    agentType: 'crm.sentiment_analysis', name: 'Sentiment analysis agent',
    description: 'Tracks customer sentiment across feedback channels and flags sharp drops.',
    capabilities: ['sentiment_analysis', 'feedback_tracking'], tools: ['crm.read_feedback'], tags: ['sentiment', 'feedback', 'voice_of_customer'],
    summary: 'Score the sentiment of new feedback, aggregate per account and flag accounts whose sentiment falls.',
    steps: [['read_feedback', 'Read surveys, reviews and ticket comments.', 'crm.read_feedback'], ['score_sentiment', 'Score the sentiment of each item.'], ['flag_drops', 'Aggregate per account and flag sharp drops.']],
  }),
  agent({
    agentType: 'crm.churn_prediction', name: 'Churn prediction agent',
    description: 'Identifies customers at risk of leaving from usage, support and billing signals.',
    capabilities: ['churn_prediction', 'risk_scoring'], tools: ['crm.read_accounts', 'analytics.read_usage'], tags: ['churn', 'retention', 'risk'],
    summary: 'Combine usage trends, support load and billing events into a churn risk per account.',
    steps: [['read_signals', 'Read usage, support and billing signals per account.', 'analytics.read_usage'], ['score_risk', 'Score the churn risk and the signals driving it.'], ['list_at_risk', 'List at-risk accounts for their owners.', 'crm.read_accounts']],
  }),
  agent({
    agentType: 'crm.upsell', name: 'Upsell agent',
    description: 'Detects cross-sell and upsell opportunities in existing accounts.',
    capabilities: ['upsell_detection', 'cross_sell'], tools: ['crm.read_accounts'], tags: ['upsell', 'cross_sell', 'revenue'],
    summary: 'Compare each account with similar accounts to find products it is likely to need next.',
    steps: [['read_accounts', 'Read products owned and usage per account.', 'crm.read_accounts'], ['compare_peers', 'Compare with similar accounts.'], ['propose', 'Propose opportunities with the evidence for each.']],
  }),
];

export const SUPPLY_CHAIN_AGENTS = [
  agent({
    agentType: 'supply_chain.demand_forecasting', name: 'Demand forecasting agent',
    description: 'Forecasts demand per product and location from history and known drivers.',
    capabilities: ['demand_forecasting', 'time_series'], tools: ['erp.read_sales_history'], tags: ['forecast', 'demand', 'planning'],
    summary: 'Fit a forecast per product and location from sales history, seasonality and promotions.',
    steps: [['read_history', 'Read sales history and planned promotions.', 'erp.read_sales_history'], ['forecast', 'Forecast demand with its uncertainty per product and location.'], ['publish', 'Publish the forecast for the planners.']],
  }),
  agent({
    agentType: 'supply_chain.procurement', name: 'Procurement agent',
    description: 'Selects suppliers and prepares purchase orders.',
    capabilities: ['supplier_selection', 'purchase_orders'], tools: ['erp.read_suppliers', 'erp.draft_purchase_order'], tags: ['procurement', 'suppliers', 'purchasing'],
    summary: 'Compare supplier price, lead time and quality for a requisition and draft the purchase order.',
    steps: [['read_requisition', 'Read the requisition and the qualified suppliers.', 'erp.read_suppliers'], ['compare_suppliers', 'Compare price, lead time and quality.'], ['draft_order', 'Draft the purchase order for approval.', 'erp.draft_purchase_order']],
  }),
  agent({
    agentType: 'supply_chain.inventory', name: 'Inventory agent',
    description: 'Optimises stock levels and prepares reorders.',
    capabilities: ['inventory_optimization', 'reorder'], tools: ['erp.read_stock'], tags: ['inventory', 'stock', 'reorder'],
    summary: 'Compute reorder points from demand and lead times and propose reorders below them.',
    steps: [['read_stock', 'Read stock on hand, on order and demand.', 'erp.read_stock'], ['reorder_points', 'Compute reorder points and safety stock.'], ['propose_reorders', 'Propose reorders for items below their reorder point.']],
    wakeOn: { events: ['inventory.critical_low'], threshold: 1, sleepAfterIdleMinutes: 30 },
  }),
  agent({
    agentType: 'logistics.route_optimization', name: 'Route optimisation agent',
    description: 'Plans delivery routes under vehicle and time-window constraints.',
    capabilities: ['route_optimization', 'delivery_planning'], tools: ['tms.read_orders', 'maps.travel_times'], tags: ['routes', 'delivery', 'fleet'],
    summary: 'Assign deliveries to vehicles and order the stops to meet time windows at least distance.',
    steps: [['read_orders', 'Read the deliveries and the available vehicles.', 'tms.read_orders'], ['travel_times', 'Fetch travel times between stops.', 'maps.travel_times'], ['plan_routes', 'Plan routes that meet the time windows.']],
  }),
  agent({
    agentType: 'logistics.shipment_tracking', name: 'Shipment tracking agent',
    description: 'Monitors shipments in transit and flags delays.',
    capabilities: ['shipment_tracking', 'delay_detection'], tools: ['carrier.track_shipments'], tags: ['shipments', 'tracking', 'delays'],
    summary: 'Poll carrier status for open shipments and flag those that will miss their promised date.',
    steps: [['track', 'Read carrier status for open shipments.', 'carrier.track_shipments'], ['predict_delays', 'Compare expected arrival with the promised date.'], ['notify', 'Flag late shipments to their owners.']],
  }),
  agent({
    agentType: 'distribution.warehouse_optimization', name: 'Warehouse optimisation agent',
    description: 'Improves slotting and picking paths in the warehouse.',
    capabilities: ['warehouse_optimization', 'slotting', 'picking'], tools: ['wms.read_layout', 'wms.read_picks'], tags: ['warehouse', 'picking', 'layout'],
    summary: 'Re-slot fast movers near dispatch and batch picks to shorten walking paths.',
    steps: [['read_layout', 'Read the layout and slot assignments.', 'wms.read_layout'], ['read_picks', 'Read recent pick lines.', 'wms.read_picks'], ['propose_slotting', 'Propose slot moves and pick batches.']],
  }),
];

export const FINANCE_AGENTS = [
  agent({
    agentType: 'finance.reconciliation', name: 'Reconciliation agent', procedure: 'match-by-reference',
    description: 'Matches invoices against received payments and proposes ledger adjustments for small differences.',
    capabilities: ['reconciliation', 'matching', 'variance_detection'], tools: ['finance.match_transactions', 'finance.charges_to_payments'], tags: ['bank', 'ledger', 'payments', 'month_end', 'payment_provider'],
    summary: "Match invoices and payments by reference and amount, widening the tolerance on a failed verification; payments may come from a payment provider's API, through a tool the meta-agent builds when it is missing.",
    steps: [['match', 'Match invoices to payments by reference within the amount tolerance.', 'finance.match_transactions']],
    executableTaskTypes: ['reconcile_payments', 'reconcile_charges'],
  }),
  agent({
    agentType: 'finance.ap_automation', name: 'Accounts payable agent',
    description: 'Processes supplier invoices: extraction, three-way match and posting proposal.',
    capabilities: ['invoice_processing', 'three_way_match'], tools: ['erp.read_invoices', 'erp.read_purchase_orders'], tags: ['accounts_payable', 'invoices', 'suppliers'],
    summary: 'Match each invoice with its purchase order and goods receipt and propose posting or a hold.',
    steps: [['read_invoices', 'Read received supplier invoices.', 'erp.read_invoices'], ['three_way_match', 'Match invoice, purchase order and receipt.', 'erp.read_purchase_orders'], ['propose_posting', 'Propose posting, or a hold with the mismatch.']],
  }),
  agent({
    agentType: 'finance.ar_collections', name: 'Collections agent',
    description: 'Prioritises overdue receivables and drafts dunning messages.',
    capabilities: ['collections', 'dunning'], tools: ['erp.read_receivables'], tags: ['accounts_receivable', 'collections', 'cash'],
    summary: 'Rank overdue invoices by amount, age and payment history and draft the next reminder.',
    steps: [['read_receivables', 'Read open receivables and payment history.', 'erp.read_receivables'], ['prioritise', 'Rank by expected recovery.'], ['draft_reminders', 'Draft the next reminder per customer.']],
  }),
  agent({
    agentType: 'finance.expense_audit', name: 'Expense audit agent',
    description: 'Checks expense reports against the travel and expense policy.',
    capabilities: ['expense_audit', 'policy_compliance'], tools: ['expenses.read_reports'], tags: ['expenses', 'audit', 'policy'],
    summary: 'Check each expense line against the policy limits and receipts and flag exceptions.',
    steps: [['read_reports', 'Read submitted expense reports with receipts.', 'expenses.read_reports'], ['check_policy', 'Check limits, categories and receipts.'], ['flag', 'Flag exceptions with the rule they break.']],
  }),
  agent({
    agentType: 'finance.budget_monitoring', name: 'Budget monitoring agent',
    description: 'Tracks spend against budget and alerts on variances.',
    capabilities: ['budget_monitoring', 'variance_analysis'], tools: ['erp.read_actuals'], tags: ['budget', 'variance', 'alerts'],
    summary: 'Compare actuals with budget per cost centre and alert owners when the variance passes the threshold.',
    steps: [['read_actuals', 'Read actuals and budget per cost centre.', 'erp.read_actuals'], ['variance', 'Compute variances and their trend.'], ['alert', 'Alert owners of variances above the threshold.']],
  }),
  agent({
    agentType: 'finance.fraud_detection', name: 'Finance fraud detection agent',
    description: 'Detects anomalous transactions in payments and journals.',
    capabilities: ['fraud_detection', 'anomaly_detection'], tools: ['erp.read_transactions'], tags: ['fraud', 'anomaly', 'transactions'],
    summary: 'Score transactions against learned patterns and known fraud rules and raise cases for review.',
    steps: [['read_transactions', 'Read the transactions of the window.', 'erp.read_transactions'], ['score', 'Score each against patterns and rules.'], ['raise_cases', 'Raise a case for each transaction above the threshold.']],
    wakeOn: { events: ['transaction.high_value', 'transaction.unusual_pattern'], threshold: 1, sleepAfterIdleMinutes: 15 },
  }),
];

export const SALES_MARKETING_AGENTS = [
  agent({
    agentType: 'sales.lead_nurturing', name: 'Lead nurturing agent', tier: 'business_hours',
    description: 'Follows up leads with timely, personalised messages.',
    capabilities: ['lead_nurturing', 'follow_up'], tools: ['crm.read_leads', 'email.draft_message'], tags: ['leads', 'follow_up', 'email'],
    summary: 'Pick the leads due for follow-up and draft a message that fits their stage and interests.',
    steps: [['read_leads', 'Read leads due for follow-up.', 'crm.read_leads'], ['choose_message', 'Choose the message for the lead stage.'], ['draft', 'Draft the personalised follow-up.', 'email.draft_message']],
  }),
  agent({
    agentType: 'sales.quote_generation', name: 'Quote generation agent',
    description: 'Builds quotes from price books, discounts and configuration rules.',
    capabilities: ['quote_generation', 'pricing'], tools: ['cpq.read_price_book'], tags: ['quotes', 'pricing', 'deals'],
    summary: 'Assemble the configured products, apply price book and discount rules and produce the quote.',
    steps: [['read_price_book', 'Read the price book and discount rules.', 'cpq.read_price_book'], ['configure', 'Validate the product configuration.'], ['quote', 'Compute the quote and the approvals its discount needs.']],
  }),
  agent({
    agentType: 'sales.forecast', name: 'Sales forecast agent',
    description: 'Forecasts the sales pipeline by period and segment.',
    capabilities: ['sales_forecasting', 'pipeline_analysis'], tools: ['crm.read_opportunities'], tags: ['forecast', 'pipeline', 'revenue'],
    summary: 'Weight open opportunities by stage history and forecast bookings per period.',
    steps: [['read_pipeline', 'Read open opportunities and their history.', 'crm.read_opportunities'], ['weight', 'Weight each by its historical conversion.'], ['forecast', 'Forecast bookings per period with a range.']],
  }),
  agent({
    agentType: 'marketing.content_generation', name: 'Content generation agent',
    description: 'Drafts marketing copy within the brand voice guidelines.',
    capabilities: ['content_generation', 'copywriting'], tools: ['cms.read_brand_guide'], tags: ['content', 'copy', 'brand'],
    summary: 'Draft copy for a brief, check it against the brand guide and hand it to an editor.',
    steps: [['read_brief', 'Read the brief and the brand guide.', 'cms.read_brand_guide'], ['draft', 'Draft copy variants for the channel.'], ['check_voice', 'Check each variant against the brand rules.']],
  }),
  agent({
    agentType: 'marketing.campaign_optimization', name: 'Campaign optimisation agent',
    description: 'Analyses A/B tests and reallocates campaign budget.',
    capabilities: ['ab_testing', 'campaign_optimization'], tools: ['ads.read_campaign_stats'], tags: ['campaigns', 'ab_test', 'budget'],
    summary: 'Test variant results for significance and propose budget shifts toward the winners.',
    steps: [['read_stats', 'Read variant impressions, clicks and conversions.', 'ads.read_campaign_stats'], ['test', 'Test differences for significance.'], ['reallocate', 'Propose budget shifts.']],
  }),
  agent({
    agentType: 'marketing.social_listening', name: 'Social listening agent',
    description: 'Tracks brand mentions and emerging topics on social channels.',
    capabilities: ['social_listening', 'brand_monitoring'], tools: ['social.search_mentions'], tags: ['social', 'brand', 'mentions'],
    summary: 'Collect mentions of the brand, cluster topics and flag spikes.',
    steps: [['collect', 'Collect mentions of the brand and products.', 'social.search_mentions'], ['cluster', 'Cluster mentions into topics with sentiment.'], ['flag_spikes', 'Flag topics whose volume spikes.']],
  }),
];

export const IT_AGENTS = [
  agent({
    agentType: 'selfops.infraops', name: 'Infrastructure operations agent', tier: 'always_on', idleMinutes: 60,
    description: 'Watches the health of the platform infrastructure and proposes remediations.',
    capabilities: ['infrastructure_monitoring', 'remediation'], tools: ['metrics.query'], tags: ['infrastructure', 'health', 'selfops'],
    summary: 'Read health metrics, detect degraded components and propose the remediation runbook.',
    steps: [['read_metrics', 'Query health metrics of the platform components.', 'metrics.query'], ['detect', 'Detect degraded components against their SLOs.'], ['propose_runbook', 'Propose the runbook for each degraded component.']],
  }),
  agent({
    agentType: 'selfops.dataops', name: 'Data operations agent',
    description: 'Monitors data pipelines for failures, delays and quality drift.',
    capabilities: ['pipeline_monitoring', 'data_quality'], tools: ['pipelines.read_runs'], tags: ['data', 'pipelines', 'quality'],
    summary: 'Check pipeline runs for failures and lateness and data sets for quality drift.',
    steps: [['read_runs', 'Read recent pipeline runs.', 'pipelines.read_runs'], ['check_quality', 'Check freshness, volume and schema of the outputs.'], ['report', 'Report failing or drifting pipelines.']],
  }),
  agent({
    agentType: 'selfops.agentops', name: 'Agent operations agent',
    description: 'Monitors agent performance, cost and failure rates across the swarm.',
    capabilities: ['agent_monitoring', 'cost_monitoring'], tools: ['ants.read_agent_metrics'], tags: ['agents', 'performance', 'selfops'],
    summary: 'Compare success rates, latency and cost per agent type with their baselines and flag outliers.',
    steps: [['read_metrics', 'Read success, latency and cost per agent type.', 'ants.read_agent_metrics'], ['compare', 'Compare with the baselines.'], ['flag', 'Flag outliers with the likely cause.']],
  }),
  agent({
    agentType: 'selfops.secops', name: 'Security operations agent', procedure: 'alert-triage',
    description: 'Scores a security alert, recommends actions and opens an incident ticket when it is serious.',
    capabilities: ['triage', 'incident_response', 'security_triage'], tools: ['secops.triage_alert'], tags: ['security', 'alerts', 'triage'],
    summary: 'Score the alert from indicator reputation and asset criticality and recommend actions.',
    steps: [['triage', 'Score severity from indicators and asset criticality and recommend actions.', 'secops.triage_alert']],
    executableTaskTypes: ['triage_alert'],
  }),
  agent({
    agentType: 'it.incident_management', name: 'Incident management agent',
    description: 'Triages IT tickets, links duplicates and suggests resolutions.',
    capabilities: ['incident_triage', 'resolution_suggestion'], tools: ['itsm.read_incidents'], tags: ['incidents', 'tickets', 'itsm'],
    summary: 'Classify new incidents, link duplicates and suggest resolutions from past ones.',
    steps: [['read_incidents', 'Read new incidents.', 'itsm.read_incidents'], ['classify', 'Classify and link duplicates.'], ['suggest', 'Suggest resolutions from similar resolved incidents.']],
  }),
  agent({
    agentType: 'it.change_management', name: 'Change management agent',
    description: 'Analyses the impact and risk of change requests.',
    capabilities: ['change_impact_analysis', 'risk_assessment'], tools: ['itsm.read_changes', 'cmdb.read_dependencies'], tags: ['changes', 'risk', 'itsm'],
    summary: 'Map a change onto the dependency graph and rate its risk for the change board.',
    steps: [['read_change', 'Read the change request.', 'itsm.read_changes'], ['map_impact', 'Find the services that depend on the changed items.', 'cmdb.read_dependencies'], ['rate_risk', 'Rate the risk and propose a window.']],
  }),
];
