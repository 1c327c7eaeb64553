-- Each agent's recent work, decayed by a half-life as it is read: the marketplace shortlists agents with room and the
-- least recent work first, so work spreads over the whole type instead of returning to whoever finished first.
-- Kept beside the slot counter because the release that frees the slot adds the award's time in the same statement.
alter table agent_slots
  add column work_ms double precision not null default 0 check (work_ms >= 0),
  add column work_at timestamptz;

-- Handlers of the pheromone field (e.g. capability trails → the meta-agent) catch up after a restart on the trails they
-- missed while down. They must learn which tenants have live trails of a type without reading any tenant's trails:
-- a role that sees those three columns of every row, and nothing else.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'ants_swarm_watch') then
    create role ants_swarm_watch nologin nosuperuser nobypassrls noinherit;
  end if;
  execute format('grant ants_swarm_watch to %I', current_user);
end $$;
grant usage on schema public to ants_swarm_watch;
grant select (tenant_id, type, expires_at) on pheromones to ants_swarm_watch;
create policy watch_tenants on pheromones for select to ants_swarm_watch using (true);
