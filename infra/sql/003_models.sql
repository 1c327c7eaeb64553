-- Model routing: each tenant's own models (added or updated through the API, over the shipped registry file), what
-- the router has learned of each model, every model call with its tokens and dollars, and per-tenant daily budgets.

create table model_registry (
  tenant_id   text not null,
  model_id    text not null,
  spec        jsonb not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, model_id)
);

-- Exponential moving averages of success and latency per model; the router reads them for the next decisions.
create table model_stats (
  model_id         text primary key,
  calls            bigint not null default 0,
  successes        bigint not null default 0,
  success_rate     double precision not null,
  latency_ms       double precision not null,
  updated_at       timestamptz not null default now()
);

-- One row per provider call. The key (tenant, task, step, task attempt, activity attempt, position in the fallback
-- chain) makes recording idempotent: writing the same call twice counts it once.
create table model_calls (
  id                bigserial primary key,
  tenant_id         text not null,
  task_id           text not null,
  agent_type        text not null,
  task_type         text not null,
  step              text not null,
  task_attempt      integer not null,
  activity_attempt  integer not null,
  seq               integer not null,
  model_id          text not null,
  provider          text not null,
  deployment_id     text not null,
  input_tokens      integer not null check (input_tokens >= 0),
  output_tokens     integer not null check (output_tokens >= 0),
  cost_usd          numeric(18, 10) not null check (cost_usd >= 0),
  latency_ms        integer not null check (latency_ms >= 0),
  success           boolean not null,
  error_kind        text,
  called_at         timestamptz not null default now(),
  unique (tenant_id, task_id, step, task_attempt, activity_attempt, seq)
);
create index model_calls_tenant_time on model_calls (tenant_id, called_at);

create table model_budgets (
  tenant_id         text primary key,
  daily_budget_usd  numeric(18, 6) not null check (daily_budget_usd >= 0),
  updated_at        timestamptz not null default now()
);
