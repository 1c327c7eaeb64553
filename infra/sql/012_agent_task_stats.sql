-- Each agent's record with each task type, kept as awards are released (in the release's transaction), so a bid reads
-- one row per agent instead of grouping the type's whole award history.
create table agent_task_stats (
  tenant_id   text not null,
  agent_type  text not null,
  task_type   text not null,
  agent_id    text not null,
  tasks       integer not null default 0 check (tasks >= 0),
  successes   integer not null default 0 check (successes >= 0 and successes <= tasks),
  primary key (tenant_id, agent_type, task_type, agent_id)
);

insert into agent_task_stats (tenant_id, agent_type, task_type, agent_id, tasks, successes)
select tenant_id, agent_type, task_type, agent_id, count(*), count(*) filter (where succeeded)
from task_awards where released_at is not null and task_type is not null
group by tenant_id, agent_type, task_type, agent_id;

alter table agent_task_stats enable row level security;
alter table agent_task_stats force row level security;
create policy tenant_isolation on agent_task_stats
  using (tenant_id = current_setting('ants.tenant', true))
  with check (tenant_id = current_setting('ants.tenant', true));
grant select, insert, update on agent_task_stats to ants_swarm;
