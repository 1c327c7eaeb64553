-- Human decisions and consensus: the approvals inbox, escalation tiers and approver groups, delegation modes, the
-- feedback loop (human decisions with the agents' proposals, adaptive thresholds) and consensus rounds.

-- One row per approval request (the approvalWorkflow's id): what the inbox lists and the metrics count.
create table approval_requests (
  tenant_id      text not null,
  id             text not null,
  workflow_id    text not null,
  subject_kind   text not null check (subject_kind in ('task', 'consensus', 'threat', 'policy')),
  subject_id     text not null,
  agent_type     text,
  title          text not null,
  severity       text not null check (severity in ('low', 'medium', 'high', 'critical')),
  severity_rank  smallint not null,
  status         text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'timed_out')),
  tier           smallint not null default 0,
  tier_name      text not null,
  tier_group     text,
  requested_by   text not null,
  context        jsonb not null,
  proposal       jsonb not null,
  safe_default   text not null check (safe_default in ('approve', 'reject')),
  requested_at   timestamptz not null,
  deadline       timestamptz not null,
  decided_at     timestamptz,
  decision       jsonb,
  primary key (tenant_id, id)
);
-- The inbox: pending first by severity, then by age.
create index approval_requests_inbox on approval_requests (tenant_id, status, severity_rank desc, requested_at);

-- The escalation chain of a tenant: tier 0 takes the request's own window, later tiers their own.
create table approval_tiers (
  tenant_id        text not null,
  position         smallint not null check (position >= 0),
  name             text not null,
  approver_group   text,
  timeout_seconds  integer not null check (timeout_seconds > 0),
  primary key (tenant_id, position)
);

create table approver_group_members (
  tenant_id   text not null,
  group_name  text not null,
  member      text not null,
  primary key (tenant_id, group_name, member)
);

-- Delegation mode per tenant and agent type ('*' = the tenant's default). Every change is also in audit_log.
create table delegation_modes (
  tenant_id             text not null,
  agent_type            text not null,
  mode                  text not null check (mode in ('full_automation', 'human_approval', 'human_in_the_loop', 'human_on_the_loop')),
  listed_actions        text[] not null default '{}',
  revert_window_seconds integer not null default 3600 check (revert_window_seconds > 0),
  updated_by            text not null,
  updated_at            timestamptz not null default now(),
  primary key (tenant_id, agent_type)
);

-- The feedback loop: every closed request with the proposal it decided on.
create table human_decisions (
  tenant_id    text not null,
  approval_id  text not null,
  agent_type   text,
  subject_kind text not null,
  proposal     jsonb not null,
  decision     text not null check (decision in ('approve', 'reject')),
  reason       text not null check (reason in ('human', 'timeout')),
  approver_id  text not null,
  comment      text,
  note         text not null,
  decided_at   timestamptz not null default now(),
  primary key (tenant_id, approval_id)
);
create index human_decisions_agent on human_decisions (tenant_id, agent_type, decided_at desc);

-- The escalation threshold each agent type has earned (within bounds) from human decisions.
create table escalation_thresholds (
  tenant_id       text not null,
  agent_type      text not null,
  min_confidence  double precision not null,
  decisions_seen  integer not null default 0,
  updated_at      timestamptz not null default now(),
  primary key (tenant_id, agent_type)
);

-- Effects a person reverted within the revert window of `human_on_the_loop` (the compensation outbox).
create table reverted_effects (
  tenant_id    text not null,
  task_id      text not null,
  effect_key   text not null,
  reverted_by  text not null,
  reverted_at  timestamptz not null default now(),
  primary key (tenant_id, task_id, effect_key)
);

-- Consensus rounds and their votes, for GET /v1/consensus/:id after the run is gone and for the metrics.
create table consensus_rounds (
  tenant_id     text not null,
  id            text not null,
  question      text not null,
  options       jsonb not null,
  status        text not null check (status in ('decided', 'escalated_approved', 'escalated_rejected', 'no_decision')),
  decision      text,
  score         double precision not null,
  quorum_reached boolean not null,
  expected      text,
  summary       jsonb not null,
  decided_at    timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table consensus_votes (
  tenant_id   text not null,
  round_id    text not null,
  voter       text not null,
  status      text not null check (status in ('voted', 'failed', 'late')),
  choice      text,
  confidence  double precision,
  rationale   text,
  primary key (tenant_id, round_id, voter)
);
