-- Swarm coordination: the pheromone field (local adapter of the pheromone port) and the task marketplace's awards.
-- Both are tenant data under forced row-level security, read and written through the `ants_swarm` role.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'ants_swarm') then
    create role ants_swarm nologin nosuperuser nobypassrls noinherit;
  end if;
  execute format('grant ants_swarm to %I', current_user);
end $$;
grant usage on schema public to ants_swarm;

-- One row per trail: (tenant, type, location, depositor) is a trail, and a repeated deposit reinforces it in place.
-- Strength is stored as deposited; the current strength (linear evaporation over the TTL) is computed at read.
create table pheromones (
  id            bigserial primary key,
  tenant_id     text not null,
  type          text not null check (type in ('task', 'resource', 'danger', 'success', 'capability', 'load_balancing', 'coordination')),
  location      text not null check (length(location) between 1 and 200),
  depositor     text not null check (length(depositor) between 1 and 200),
  strength      double precision not null check (strength >= 0 and strength <= 1),
  deposited_at  timestamptz not null,
  expires_at    timestamptz not null check (expires_at > deposited_at),
  data          jsonb not null default '{}'::jsonb,
  unique (tenant_id, type, location, depositor)
);
create index pheromones_by_location on pheromones (tenant_id, location, type, expires_at);
create index pheromones_by_expiry on pheromones (expires_at);

-- Subscribers (LISTEN ants_pheromones) hear of every deposit and reinforcement: the tenant, id, type and location,
-- never the data (a listener fetches what its tenant may read).
create function notify_pheromone() returns trigger language plpgsql as $$
begin
  perform pg_notify('ants_pheromones', json_build_object('tenant', new.tenant_id, 'id', new.id, 'type', new.type,
    'location', new.location, 'strength', new.strength)::text);
  return new;
end $$;
create trigger pheromone_deposited after insert or update on pheromones for each row execute function notify_pheromone();

-- The marketplace's awards: one per task (a task is never assigned twice), open until released. The award holds the
-- bids and the reason, for the audit trail and for swarm metrics.
create table task_awards (
  tenant_id     text not null,
  task_id       text not null,
  agent_type    text not null,
  agent_id      text not null,
  score         double precision not null,
  bids          jsonb not null,
  reason        text not null,
  submitted_at  timestamptz not null,
  awarded_at    timestamptz not null default now(),
  released_at   timestamptz,
  succeeded     boolean,
  primary key (tenant_id, task_id)
);
create index task_awards_open_by_agent on task_awards (tenant_id, agent_id) where released_at is null;

-- Open awards per agent, kept with the awards in the same transactions. An award takes a slot with one conditional
-- UPDATE (`open < capacity`): concurrent awards to the same agent queue on its row and re-check, so capacity holds.
create table agent_slots (
  tenant_id  text not null,
  agent_id   text not null,
  open       integer not null default 0 check (open >= 0),
  primary key (tenant_id, agent_id)
);

do $$
declare
  t text;
begin
  foreach t in array array['pheromones', 'task_awards', 'agent_slots'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy tenant_isolation on %I
      using (tenant_id = current_setting('ants.tenant', true))
      with check (tenant_id = current_setting('ants.tenant', true))$p$, t);
    execute format('grant select, insert, update, delete on %I to ants_swarm', t);
  end loop;
end $$;
grant usage on sequence pheromones_id_seq to ants_swarm;
-- The marketplace reads the agents' registry (capacity, state) of its tenant; it never writes it.
grant select on agents to ants_swarm;
