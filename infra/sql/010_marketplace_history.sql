-- The marketplace scores an agent's history with the task's type: awards remember the task type, and released awards
-- are read by (tenant, agent type, task type). Awards written before this migration have no task type and count for
-- no type's history.
alter table task_awards add column task_type text;
create index task_awards_history on task_awards (tenant_id, agent_type, task_type) where released_at is not null;
