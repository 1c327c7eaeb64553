-- An erasure and its audit record are one fact: the memory role, which performs erasures under row-level security,
-- appends the `memory.forgotten` record in the same transaction. It gets no privilege on the trail itself — only
-- this function, which runs as the trail's owner and can do nothing but append (a repeated key is a no-op).
create function append_audit(p_tenant text, p_task text, p_kind text, p_actor text, p_details jsonb, p_key text)
returns boolean language sql security definer set search_path = public as $$
  with appended as (
    insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key)
    values (p_tenant, p_task, p_kind, p_actor, p_details, p_key)
    on conflict (idempotency_key) do nothing
    returning 1
  )
  select exists (select 1 from appended)
$$;
revoke all on function append_audit(text, text, text, text, jsonb, text) from public;
grant execute on function append_audit(text, text, text, text, jsonb, text) to ants_memory;
