-- Stigmergy: the shared workspace where agents coordinate through artifacts they leave for each other. An artifact is
-- versioned; every change is an event (append-only) announced on LISTEN ants_artifacts. Tenant data under forced
-- row-level security, reached through the ants_swarm role.

create table artifacts (
  tenant_id            text not null,
  id                   text not null check (length(id) between 1 and 200),
  kind                 text not null check (length(kind) between 1 and 100),
  title                text not null check (length(title) between 1 and 300),
  content              jsonb not null default '{}'::jsonb,
  status               text not null check (status in ('incomplete', 'needs_review', 'done')),
  version              integer not null default 1 check (version > 0),
  -- Who may continue it, and who may review it (capabilities of agent types).
  continue_capability  text not null,
  review_capability    text not null,
  created_by           text not null,
  -- The agent whose work is on it last: it never reviews its own work.
  last_editor          text not null,
  claimed_by           text,
  claimed_until        timestamptz,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  primary key (tenant_id, id),
  check ((claimed_by is null) = (claimed_until is null))
);
create index artifacts_open_work on artifacts (tenant_id, status, continue_capability, updated_at) where status = 'incomplete';
create index artifacts_open_review on artifacts (tenant_id, status, review_capability, updated_at) where status = 'needs_review';

create table artifact_events (
  id           bigserial primary key,
  tenant_id    text not null,
  artifact_id  text not null,
  version      integer not null,
  kind         text not null check (kind in ('created', 'claimed', 'updated', 'submitted', 'approved', 'changes_requested', 'released')),
  actor        text not null,
  status       text not null,
  details      jsonb not null default '{}'::jsonb,
  at           timestamptz not null default now(),
  foreign key (tenant_id, artifact_id) references artifacts (tenant_id, id)
);
create index artifact_events_by_artifact on artifact_events (tenant_id, artifact_id, id);

-- Observers hear of every change: tenant, artifact, event and status — never the content.
create function notify_artifact_event() returns trigger language plpgsql as $$
begin
  perform pg_notify('ants_artifacts', json_build_object('tenant', new.tenant_id, 'artifact', new.artifact_id, 'event', new.id,
    'kind', new.kind, 'status', new.status, 'version', new.version)::text);
  return new;
end $$;
create trigger artifact_event_recorded after insert on artifact_events for each row execute function notify_artifact_event();

do $$
declare
  t text;
begin
  foreach t in array array['artifacts', 'artifact_events'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy tenant_isolation on %I
      using (tenant_id = current_setting('ants.tenant', true))
      with check (tenant_id = current_setting('ants.tenant', true))$p$, t);
  end loop;
end $$;
grant select, insert, update on artifacts to ants_swarm;
-- The trail of changes is append-only for the workspace.
grant select, insert on artifact_events to ants_swarm;
grant usage on sequence artifact_events_id_seq to ants_swarm;
