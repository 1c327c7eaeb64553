-- Agents: deployments of repository agent types per tenant, the swarm state of each agent instance (published by its
-- workflow, read by the marketplace), checkpoints, and event-driven activation (triggers and ingested events).

create table agent_deployments (
  tenant_id           text not null,
  agent_type          text not null,
  tier                text not null check (tier in ('always_on', 'business_hours', 'on_demand')),
  schedule_cron       text,
  schedule_timezone   text,
  schedule_id         text,
  keep_alive_minutes  integer not null check (keep_alive_minutes > 0),
  idle_minutes        integer not null check (idle_minutes > 0),
  capacity            integer not null check (capacity > 0),
  warm_instances      integer not null check (warm_instances >= 0),
  max_instances       integer not null check (max_instances > 0 and max_instances >= warm_instances),
  resources           jsonb not null default '{}'::jsonb,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  primary key (tenant_id, agent_type)
);

-- One row per agent instance. A workflow publishes after every accepted lifecycle event; `revision` only grows, so a
-- retried or late publish never overwrites newer state.
create table agents (
  tenant_id      text not null,
  agent_id       text not null,
  agent_type     text not null,
  instance       integer not null check (instance > 0),
  workflow_id    text not null unique,
  state          text not null check (state in ('COLD', 'WARMING', 'ACTIVE', 'IDLE', 'SLEEPING', 'RETIRED')),
  tier           text not null,
  keep_warm      boolean not null,
  capacity       integer not null,
  load           integer not null default 0,
  free_capacity  integer not null default 0,
  revision       bigint not null default 0,
  state_since    timestamptz not null default now(),
  active_ms      bigint not null default 0,
  sleeping_ms    bigint not null default 0,
  tokens         bigint not null default 0,
  metered_until  timestamptz not null default now(),
  wakes          integer not null default 0,
  updated_at     timestamptz not null default now(),
  primary key (tenant_id, agent_id),
  unique (tenant_id, agent_type, instance)
);
create index agents_by_type_state on agents (tenant_id, agent_type, state);

-- Checkpoints of sleeping agents; the bytes live behind the snapshot port, this row says where and what hash.
create table agent_checkpoints (
  tenant_id   text not null,
  agent_id    text not null,
  seq         bigint not null,
  location    text not null,
  bytes       integer not null,
  sha256      text not null,
  created_at  timestamptz not null default now(),
  primary key (tenant_id, agent_id, seq)
);

-- Event-driven activation: which event types wake which agent types, after how many events, and for how long.
create table agent_event_triggers (
  tenant_id                 text not null,
  event_type                text not null,
  agent_type                text not null,
  threshold                 integer not null check (threshold > 0),
  sleep_after_idle_minutes  integer not null check (sleep_after_idle_minutes > 0),
  pending_count             integer not null default 0,
  primary key (tenant_id, event_type, agent_type)
);

-- Ingested events, one row per (tenant, event id): posting the same event twice counts it once.
create table agent_events (
  tenant_id    text not null,
  event_id     text not null,
  event_type   text not null,
  payload      jsonb not null default '{}'::jsonb,
  woke         jsonb not null default '[]'::jsonb,
  received_at  timestamptz not null default now(),
  primary key (tenant_id, event_id)
);
