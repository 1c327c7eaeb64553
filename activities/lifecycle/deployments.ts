import { ScheduleAlreadyRunning, ScheduleNotFoundError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ActivationRequest } from '../../core/agents/agent.js';
import type { AgentSettings } from '../../core/agents/lifecycle.js';
import { agentScheduleId, agentWorkflowId } from '../../core/agents/ids.js';
import type { RepositoryEntry } from '../../core/agents/repository/schema.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';
import { agentInput, insertAgentRow, type DeploymentRow } from './activation.js';

export interface DeploymentSpec {
  tier: DeploymentRow['tier'];
  schedule?: { cron: string; timezone: string };
  keepAliveMinutes: number;
  idleMinutes: number;
  capacity: number;
  warmInstances: number;
  maxInstances: number;
  resources: Record<string, string>;
}

export class DeploymentInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'DeploymentInputError';
  }
}

/** A timezone the runtime knows (IANA names, e.g. America/New_York). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const CRON_FIELD = /^(\*|\d+|\d+-\d+|\*\/\d+|\d+-\d+\/\d+|L)(,(\d+|\d+-\d+|\d+-\d+\/\d+))*$/;

/** Five fields (minute hour day-of-month month day-of-week); Temporal checks the ranges when the Schedule is created. */
export function looksLikeCron(cron: string): boolean {
  const fields = cron.trim().split(/\s+/);
  return fields.length === 5 && fields.every((field) => CRON_FIELD.test(field));
}

function checkSchedule(spec: DeploymentSpec): void {
  if (!spec.schedule) return;
  if (!looksLikeCron(spec.schedule.cron)) throw new DeploymentInputError(`"${spec.schedule.cron}" is not a five-field cron expression`, 'schedule.cron');
  if (!isKnownTimezone(spec.schedule.timezone)) throw new DeploymentInputError(`unknown timezone "${spec.schedule.timezone}"`, 'schedule.timezone');
}

/** The schedule client rethrows the server's INVALID_ARGUMENT (e.g. "Hour is not in range") as a TypeError. */
function isInvalidArgument(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const cause = error instanceof Error && 'cause' in error ? error.cause : undefined;
  const code = (value: unknown) => (value !== null && typeof value === 'object' && 'code' in value ? value.code : undefined);
  return code(error) === 3 || code(cause) === 3; // gRPC INVALID_ARGUMENT
}

async function upsertSchedule(temporal: Client, tenant: string, entry: RepositoryEntry, spec: DeploymentSpec): Promise<string | null> {
  const scheduleId = agentScheduleId(tenant, entry.agentType);
  const existing = temporal.schedule.getHandle(scheduleId);
  if (!spec.schedule) {
    await existing.delete().catch((error: unknown) => {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    });
    return null;
  }
  const request: ActivationRequest = { tenant, agentType: entry.agentType, reason: 'schedule', keepAliveMinutes: spec.keepAliveMinutes };
  const scheduleSpec = { cronExpressions: [spec.schedule.cron], timezone: spec.schedule.timezone };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'agentActivationWorkflow',
    workflowId: `${scheduleId}:tick`,
    taskQueue: TASK_QUEUES.workflows,
    args: [request],
  };
  try {
    try {
      await temporal.schedule.create({ scheduleId, spec: scheduleSpec, action, policies: { overlap: 'SKIP', catchupWindow: '1 minute' } });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await existing.update((previous) => ({ ...previous, spec: scheduleSpec, action }));
    }
  } catch (error) {
    if (isInvalidArgument(error)) throw new DeploymentInputError(`Temporal refused the schedule: ${error instanceof Error ? error.message : String(error)}`, 'schedule');
    throw error;
  }
  return scheduleId;
}

/**
 * Deploys (or redeploys) an agent type for a tenant: the deployment row, the warm pool's agents, the event triggers
 * the repository entry declares, and a Temporal Schedule for scheduled activation — all or nothing: the rows are
 * committed only after the Schedule exists, and a refused Schedule rolls them back.
 */
export async function deployAgent(deps: { db: Db; temporal: Client }, tenant: string, entry: RepositoryEntry, spec: DeploymentSpec) {
  checkSchedule(spec);
  if (spec.warmInstances > spec.maxInstances) throw new DeploymentInputError('warmInstances cannot exceed maxInstances', 'warmInstances');
  const result = await inTransaction(deps.db, async (client) => {
    const row = await client.query<DeploymentRow & { created: boolean }>(
      `insert into agent_deployments (tenant_id, agent_type, tier, schedule_cron, schedule_timezone, keep_alive_minutes, idle_minutes, capacity, warm_instances, max_instances, resources)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (tenant_id, agent_type) do update set tier = excluded.tier, schedule_cron = excluded.schedule_cron, schedule_timezone = excluded.schedule_timezone,
         keep_alive_minutes = excluded.keep_alive_minutes, idle_minutes = excluded.idle_minutes, capacity = excluded.capacity,
         warm_instances = excluded.warm_instances, max_instances = excluded.max_instances, resources = excluded.resources, updated_at = now()
       returning *, (xmax = 0) as created`,
      [tenant, entry.agentType, spec.tier, spec.schedule?.cron ?? null, spec.schedule?.timezone ?? null, spec.keepAliveMinutes, spec.idleMinutes, spec.capacity, spec.warmInstances, spec.maxInstances, JSON.stringify(spec.resources)],
    );
    const deployment = row.rows[0];
    if (!deployment) throw new Error('deployment row was not written');
    // The warm pool, or one instance when there is none (cold until something wakes it); more are added on demand.
    const initial = Math.max(1, spec.warmInstances);
    for (let instance = 1; instance <= Math.min(initial, spec.maxInstances); instance += 1) {
      await insertAgentRow(client, tenant, entry.agentType, instance, deployment, instance <= spec.warmInstances);
    }
    for (const event of entry.wakeOn?.events ?? []) {
      await client.query(
        `insert into agent_event_triggers (tenant_id, event_type, agent_type, threshold, sleep_after_idle_minutes) values ($1, $2, $3, $4, $5)
         on conflict (tenant_id, event_type, agent_type) do update set threshold = excluded.threshold, sleep_after_idle_minutes = excluded.sleep_after_idle_minutes`,
        [tenant, event, entry.agentType, entry.wakeOn?.threshold ?? 1, entry.wakeOn?.sleepAfterIdleMinutes ?? spec.idleMinutes],
      );
    }
    const scheduleId = await upsertSchedule(deps.temporal, tenant, entry, spec);
    await client.query('update agent_deployments set schedule_id = $3 where tenant_id = $1 and agent_type = $2', [tenant, entry.agentType, scheduleId]);
    const agents = await client.query<{ instance: number; workflow_id: string }>(
      "select instance, workflow_id from agents where tenant_id = $1 and agent_type = $2 and state <> 'RETIRED' order by instance",
      [tenant, entry.agentType],
    );
    return { deployment, scheduleId, agents: agents.rows };
  });
  const kept = result.agents.filter((agent) => agent.instance <= spec.maxInstances);
  for (const agent of kept) {
    // Warm-pool membership follows the instance number, so a redeploy that grows or shrinks the pool moves the
    // boundary; startAwake (warm-pool members, always-on tiers) wakes an instance at once, the others start COLD.
    const input = agentInput(tenant, entry.agentType, agent.instance, result.deployment, agent.instance <= spec.warmInstances);
    const started = await deps.temporal.workflow.start('agentWorkflow', {
      workflowId: agentWorkflowId(tenant, entry.agentType, agent.instance),
      taskQueue: TASK_QUEUES.workflows,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `${entry.agentType} #${agent.instance} · ${tenant}`,
    });
    if (!result.deployment.created) {
      // A running instance started from the old settings: hand it the new ones (a no-op for one just started).
      const settings: AgentSettings = { tier: input.tier, keepWarm: input.keepWarm, capacity: input.capacity, idleMinutes: input.idleMinutes };
      await started.signal<[AgentSettings]>('reconfigure', settings);
    }
  }
  // Instances above a lowered maximum finish their tasks (checkpointing first) and retire.
  const retired = result.agents.filter((agent) => agent.instance > spec.maxInstances);
  for (const agent of retired) await signalRetire(deps.temporal, agent.workflow_id, 'the deployment was scaled down');
  return {
    created: result.deployment.created,
    scheduleId: result.scheduleId,
    agents: kept.map((a) => `${entry.agentType}-${a.instance}`),
    retired: retired.map((a) => `${entry.agentType}-${a.instance}`),
  };
}

/** Asks an instance to retire; one whose workflow has already ended has nothing left to do. */
async function signalRetire(temporal: Client, workflowId: string, reason: string): Promise<void> {
  await temporal.workflow
    .getHandle(workflowId)
    .signal<[{ reason: string }]>('retire', { reason })
    .catch((error: unknown) => {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    });
}

/** Removes the Schedule and the triggers and retires every agent (each checkpoints first); the rows stay for costs. */
export async function undeployAgent(deps: { db: Db; temporal: Client }, tenant: string, agentType: string): Promise<{ retired: string[] } | undefined> {
  const deployment = await deps.db.query('select 1 from agent_deployments where tenant_id = $1 and agent_type = $2', [tenant, agentType]);
  if (deployment.rowCount === 0) return undefined;
  await deps.temporal.schedule.getHandle(agentScheduleId(tenant, agentType)).delete().catch((error: unknown) => {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  });
  const agents = await deps.db.query<{ agent_id: string; workflow_id: string }>("select agent_id, workflow_id from agents where tenant_id = $1 and agent_type = $2 and state <> 'RETIRED'", [tenant, agentType]);
  for (const agent of agents.rows) await signalRetire(deps.temporal, agent.workflow_id, 'undeployed');
  await inTransaction(deps.db, async (client) => {
    await client.query('delete from agent_event_triggers where tenant_id = $1 and agent_type = $2', [tenant, agentType]);
    await client.query('delete from agent_deployments where tenant_id = $1 and agent_type = $2', [tenant, agentType]);
  });
  return { retired: agents.rows.map((a) => a.agent_id) };
}
