-- Memory substrate: the foundation's `episodes` (episodic) and `procedures` (procedural) tables grow into vector
-- memory, `semantic_memories` holds facts and human corrections, `episodes_cold` receives old episodes, and
-- `embedding_usage` counts tokens and cost per tenant and agent. Every memory table is tenant-isolated by row-level
-- security, forced, and read through the `ants_memory` role, which cannot bypass it.
--
-- One embedding column of the untyped `vector` type serves every model; `dims` records each row's dimension and a
-- partial HNSW index per supported dimension indexes the column cast to that dimension. A query that casts the same
-- way and filters on the same `dims` uses the index, so switching the model (384-d local, 1536-d OpenAI) never drops
-- the index or the rows of the other model. Rows whose embedding is still missing (rows from before this migration)
-- are embedded by the memory pool at start.

-- The app role: no login of its own, no superuser, no BYPASSRLS. The memory activities `set local role` to it.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'ants_memory') then
    create role ants_memory nologin nosuperuser nobypassrls noinherit;
  end if;
  execute format('grant ants_memory to %I', current_user);
end $$;
grant usage on schema public to ants_memory;

-- Episodic memory: what happened in a task.
alter table episodes
  add column memory_id        uuid not null default gen_random_uuid() unique,
  add column agent_id         text,
  add column content          text,
  add column metadata         jsonb not null default '{}'::jsonb,
  add column embedding_model  text,
  add column dims             integer check (dims between 1 and 16000),
  add column embedding        vector;
update episodes set
  agent_id = agent_type,
  content = format('Task of type %s for agent type %s. Situation: %s. Outcome: %s.', task_type, agent_type, situation::text, outcome);
alter table episodes alter column agent_id set not null, alter column content set not null;

-- Procedural memory: a named procedure for a task type, its steps, use count and success rate.
alter table procedures
  add column memory_id        uuid not null default gen_random_uuid() unique,
  add column agent_id         text,
  add column steps            jsonb not null default '[]'::jsonb,
  add column content          text,
  add column metadata         jsonb not null default '{}'::jsonb,
  add column created_at       timestamptz not null default now(),
  add column embedding_model  text,
  add column dims             integer check (dims between 1 and 16000),
  add column embedding        vector;
update procedures set
  agent_id = agent_type,
  content = format('Procedure %s for tasks of type %s, used by agent type %s.', procedure, task_type, agent_type);
alter table procedures alter column agent_id set not null, alter column content set not null;

-- Semantic memory: facts and knowledge, e.g. a human's correction. `source_key` makes a write idempotent.
create table semantic_memories (
  memory_id        uuid primary key default gen_random_uuid(),
  tenant_id        text not null,
  agent_id         text not null,
  agent_type       text not null,
  task_type        text,
  source_key       text not null,
  content          text not null,
  metadata         jsonb not null default '{}'::jsonb,
  created_at       timestamptz not null default now(),
  embedding_model  text,
  dims             integer check (dims between 1 and 16000),
  embedding        vector,
  unique (tenant_id, source_key)
);

-- Cold tier: old episodes move here (same columns, same order — keep it so when `episodes` changes), without
-- vector indexes: they stay available for audit and forgetting, not for similarity search.
create table episodes_cold (like episodes including defaults including constraints);
alter table episodes_cold add primary key (memory_id), add unique (tenant_id, task_id),
  add column tiered_at timestamptz not null default now();

-- Token and cost accounting per tenant, agent, model and day.
create table embedding_usage (
  tenant_id    text not null,
  agent_id     text not null,
  model        text not null,
  day          date not null,
  requests     bigint not null default 0,
  tokens       bigint not null default 0,
  cache_hits   bigint not null default 0,
  cost_usd     numeric(18, 8) not null default 0,
  primary key (tenant_id, agent_id, model, day)
);

-- Vector indexes: one partial HNSW index per (table, dimension) — 384 (MiniLM), 768 (base-size models), 1536
-- (text-embedding-3-small, or -large shortened with `dimensions`). HNSW in this pgvector indexes at most 2,000 dims.
create index episodes_hnsw_384 on episodes using hnsw ((embedding::vector(384)) vector_cosine_ops) where dims = 384;
create index episodes_hnsw_768 on episodes using hnsw ((embedding::vector(768)) vector_cosine_ops) where dims = 768;
create index episodes_hnsw_1536 on episodes using hnsw ((embedding::vector(1536)) vector_cosine_ops) where dims = 1536;
create index procedures_hnsw_384 on procedures using hnsw ((embedding::vector(384)) vector_cosine_ops) where dims = 384;
create index procedures_hnsw_768 on procedures using hnsw ((embedding::vector(768)) vector_cosine_ops) where dims = 768;
create index procedures_hnsw_1536 on procedures using hnsw ((embedding::vector(1536)) vector_cosine_ops) where dims = 1536;
create index semantic_hnsw_384 on semantic_memories using hnsw ((embedding::vector(384)) vector_cosine_ops) where dims = 384;
create index semantic_hnsw_768 on semantic_memories using hnsw ((embedding::vector(768)) vector_cosine_ops) where dims = 768;
create index semantic_hnsw_1536 on semantic_memories using hnsw ((embedding::vector(1536)) vector_cosine_ops) where dims = 1536;

-- Exact scans for a tenant (small tenants, and the recall fallback) read these instead of the whole table.
create index episodes_tenant_scope on episodes (tenant_id, dims, created_at desc);
create index procedures_tenant_scope on procedures (tenant_id, dims);
create index semantic_tenant_scope on semantic_memories (tenant_id, dims, created_at desc);
create index episodes_cold_age on episodes_cold (tenant_id, created_at);
create index episodes_pending_embedding on episodes (tenant_id) where embedding is null;
create index procedures_pending_embedding on procedures (tenant_id) where embedding is null;

-- Row-level security: a row is visible and writable only in a transaction whose `ants.tenant` is its tenant. FORCE
-- applies it to the tables' owner as well; only a superuser (the migration runner) is above it.
do $$
declare
  t text;
begin
  foreach t in array array['episodes', 'procedures', 'semantic_memories', 'episodes_cold', 'embedding_usage'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy tenant_isolation on %I
      using (tenant_id = current_setting('ants.tenant', true))
      with check (tenant_id = current_setting('ants.tenant', true))$p$, t);
    execute format('grant select, insert, update, delete on %I to ants_memory', t);
  end loop;
end $$;
grant usage on sequence episodes_id_seq to ants_memory;
