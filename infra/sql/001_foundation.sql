-- Foundation schema: tenants and API keys, the audit trail, applied effects, and the first memory of the task loop
-- (episodes and procedure statistics). Later migrations add vector memory, swarm state and the tool registry.

create extension if not exists vector;

create table tenants (
  id          text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  name        text not null,
  created_at  timestamptz not null default now()
);

-- Keys are shown once at creation; only a SHA-256 of the secret is stored.
create table api_keys (
  id           text primary key,
  tenant_id    text not null references tenants(id),
  name         text not null,
  role         text not null check (role in ('viewer', 'operator', 'approver', 'admin')),
  secret_hash  text not null,
  created_at   timestamptz not null default now(),
  revoked_at   timestamptz
);
create index api_keys_tenant on api_keys (tenant_id);

-- Append-only: every decision, refusal and step outcome. A retried write of the same fact is a no-op
-- (idempotency_key), and rows can never be changed or removed.
create table audit_log (
  id               bigserial primary key,
  tenant_id        text not null,
  task_id          text not null,
  kind             text not null,
  actor            text not null,
  details          jsonb not null default '{}'::jsonb,
  idempotency_key  text not null unique,
  recorded_at      timestamptz not null default now()
);
create index audit_log_task on audit_log (tenant_id, task_id, id);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_is_append_only();

-- The external effects a task applied, one row per (tenant, task, effect key): applying twice is impossible.
create table applied_effects (
  tenant_id   text not null,
  task_id     text not null,
  effect_key  text not null,
  kind        text not null,
  payload     jsonb not null,
  applied_at  timestamptz not null default now(),
  primary key (tenant_id, task_id, effect_key)
);

-- Episodic memory of the loop: what happened in each task. One row per task (the Learn step is idempotent).
create table episodes (
  id            bigserial primary key,
  tenant_id     text not null,
  task_id       text not null,
  agent_type    text not null,
  task_type     text not null,
  procedure     text not null,
  input_shape   text not null,
  situation     jsonb not null,
  actions       jsonb not null,
  outcome       text not null check (outcome in ('completed', 'rejected', 'failed')),
  success       boolean not null,
  details       jsonb not null default '{}'::jsonb,
  created_at    timestamptz not null default now(),
  unique (tenant_id, task_id)
);
create index episodes_similar on episodes (tenant_id, agent_type, task_type, input_shape, created_at desc);

-- Procedural memory: how often a procedure was used for a task type and how often it worked.
create table procedures (
  tenant_id     text not null,
  agent_type    text not null,
  task_type     text not null,
  procedure     text not null,
  uses          integer not null default 0,
  successes     integer not null default 0,
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, agent_type, task_type, procedure)
);
