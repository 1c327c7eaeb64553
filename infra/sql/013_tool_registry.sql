-- The dynamic tool registry: tools that agents (or people) registered at run time, their versions, status and
-- track record. Tenant data under forced row-level security, reached through the ants_tools role; every run is
-- recorded once (keyed on its business id), so a retried activity never counts a run twice.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'ants_tools') then
    create role ants_tools nologin nosuperuser nobypassrls noinherit;
  end if;
  execute format('grant ants_tools to %I', current_user);
end $$;
grant usage on schema public to ants_tools;

create table tools (
  tenant_id        text not null,
  id               text not null,
  name             text not null check (length(name) between 3 and 160),
  version          integer not null check (version > 0),
  description      text not null,
  api              text,
  operation_id     text,
  -- The API description (or probed base URL) a generated tool came from: how a task finds the tools it needs.
  source_url       text,
  creator          text not null,
  status           text not null check (status in ('testing', 'active', 'deprecated')),
  replacement_id   text,
  level            text not null check (level in ('RESTRICTED', 'MODERATE', 'PERMISSIVE')),
  entry            text not null,
  code             text not null,
  definition_sha256      text not null,
  input_schema     jsonb not null,
  allowed_hosts    text[] not null default '{}',
  auth_secret      text,
  -- Whether running it changes the outside world (an API write): such tools never run inside a task's Execute step.
  side_effects     boolean not null default true,
  runs             integer not null default 0 check (runs >= 0),
  successes        integer not null default 0 check (successes >= 0 and successes <= runs),
  success_rate     double precision not null default 0 check (success_rate between 0 and 1),
  avg_duration_ms  double precision not null default 0 check (avg_duration_ms >= 0),
  last_used_at     timestamptz,
  created_at       timestamptz not null default now(),
  promoted_at      timestamptz,
  deprecated_at    timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, name, version),
  check ((status = 'deprecated') = (deprecated_at is not null)),
  check (replacement_id is null or status = 'deprecated'),
  foreign key (tenant_id, replacement_id) references tools (tenant_id, id)
);
create index tools_by_name on tools (tenant_id, name, version desc);
-- The same definition (code, entry, level, hosts, schema, credential, side effects) under a name is the same tool while it is in use:
-- registering it again is a no-op. A deprecated definition registered again becomes a new version.
create unique index tools_same_definition on tools (tenant_id, name, definition_sha256) where status <> 'deprecated';
create index tools_by_api on tools (tenant_id, api, operation_id);
create index tools_by_source on tools (tenant_id, source_url, operation_id) where source_url is not null;

create table tool_runs (
  tenant_id    text not null,
  run_id       text not null check (length(run_id) between 1 and 300),
  tool_id      text not null,
  ok           boolean not null,
  duration_ms  integer not null check (duration_ms >= 0),
  error        text,
  at           timestamptz not null default now(),
  primary key (tenant_id, run_id),
  foreign key (tenant_id, tool_id) references tools (tenant_id, id)
);
create index tool_runs_by_tool on tool_runs (tenant_id, tool_id, at desc);

do $$
declare
  t text;
begin
  foreach t in array array['tools', 'tool_runs'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy tenant_isolation on %I
      using (tenant_id = current_setting('ants.tenant', true))
      with check (tenant_id = current_setting('ants.tenant', true))$p$, t);
  end loop;
end $$;
-- Tools are never deleted (runs and tasks refer to them); they are deprecated.
grant select, insert, update on tools to ants_tools;
grant select, insert on tool_runs to ants_tools;
