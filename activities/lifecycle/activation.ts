import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ActivationRequest, ActivationResult, AgentWorkflowInput } from '../../core/agents/agent.js';
import { agentId, agentWorkflowId } from '../../core/agents/ids.js';
import type { AgentState } from '../../core/agents/lifecycle.js';
import type { CostTier } from '../../core/agents/repository/schema.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

export interface ActivationDeps {
  db: Db;
  temporal: Client;
}

export interface DeploymentRow {
  tier: CostTier;
  capacity: number;
  idle_minutes: number;
  keep_alive_minutes: number;
  warm_instances: number;
  max_instances: number;
}

interface AgentRow {
  instance: number;
  state: AgentState;
  free_capacity: number;
  keep_warm: boolean;
}

/** Which instance answers a wake: one already up with room, else one asleep, else a new one, else the least loaded. */
const PREFERENCE: Record<AgentState, number> = { IDLE: 0, ACTIVE: 1, WARMING: 2, SLEEPING: 3, COLD: 4, RETIRED: 9 };

export class NotDeployedError extends Error {
  constructor(tenant: string, agentType: string) {
    super(`agent type ${agentType} is not deployed for tenant ${tenant}`);
    this.name = 'NotDeployed';
  }
}

export function agentInput(tenant: string, agentType: string, instance: number, deployment: DeploymentRow, keepWarm: boolean): AgentWorkflowInput {
  return {
    tenant,
    agentType,
    instance,
    tier: deployment.tier,
    keepWarm,
    capacity: deployment.capacity,
    idleMinutes: deployment.idle_minutes,
    startAwake: keepWarm || deployment.tier === 'always_on',
  };
}

/**
 * Wakes one agent of a deployed type, the same way for every source (API, event trigger, schedule): signal-with-start
 * of the chosen instance's workflow, so an instance whose workflow is gone is started again. A new instance is
 * registered (row first, under a row lock on the deployment) before its workflow starts, so two concurrent wakes
 * never create the same instance number twice.
 */
export async function activateAgent({ db, temporal }: ActivationDeps, request: ActivationRequest): Promise<ActivationResult> {
  const choice = await inTransaction(db, async (client) => {
    const deployment = (
      await client.query<DeploymentRow>('select * from agent_deployments where tenant_id = $1 and agent_type = $2 for update', [request.tenant, request.agentType])
    ).rows[0];
    if (!deployment) throw new NotDeployedError(request.tenant, request.agentType);
    const agents = (
      await client.query<AgentRow>(
        // Room is the smaller of what the agent last published and what the marketplace's slots say now: an award
        // commits before the agent hears of it, so a recruitment right after an award must not count that room twice.
        `select a.instance, a.state, least(a.free_capacity, a.capacity - coalesce(s.open, 0)) as free_capacity, a.keep_warm
         from agents a left join agent_slots s on s.tenant_id = a.tenant_id and s.agent_id = a.agent_id
         where a.tenant_id = $1 and a.agent_type = $2 and a.state <> 'RETIRED' order by a.instance`,
        [request.tenant, request.agentType],
      )
    ).rows;
    const ranked = [...agents].sort((a, b) => {
      const room = (row: AgentRow) => (PREFERENCE[row.state] <= PREFERENCE.WARMING && row.free_capacity === 0 ? 5 : PREFERENCE[row.state]);
      return room(a) - room(b) || a.instance - b.instance;
    });
    const best = ranked[0];
    const bestHasRoom = best && !(PREFERENCE[best.state] <= PREFERENCE.WARMING && best.free_capacity === 0);
    if (best && (bestHasRoom || agents.length >= deployment.max_instances)) {
      return { deployment, instance: best.instance, keepWarm: best.keep_warm, previousState: best.state, started: false };
    }
    const used = await client.query<{ next: number }>('select coalesce(max(instance), 0) + 1 as next from agents where tenant_id = $1 and agent_type = $2', [request.tenant, request.agentType]);
    const instance = used.rows[0]?.next ?? 1;
    await insertAgentRow(client, request.tenant, request.agentType, instance, deployment, false);
    return { deployment, instance, keepWarm: false, previousState: 'COLD' as AgentState, started: true };
  });
  const workflowId = agentWorkflowId(request.tenant, request.agentType, choice.instance);
  await temporal.workflow.signalWithStart('agentWorkflow', {
    workflowId,
    taskQueue: TASK_QUEUES.workflows,
    args: [agentInput(request.tenant, request.agentType, choice.instance, choice.deployment, choice.keepWarm)],
    signal: 'wake',
    signalArgs: [{ reason: request.reason, keepAliveMinutes: request.keepAliveMinutes }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `${request.agentType} #${choice.instance} · ${request.tenant}`,
  });
  return { agentId: agentId(request.agentType, choice.instance), workflowId, started: choice.started, previousState: choice.previousState };
}

/**
 * Recruits a swarm: makes sure the type's agents have at least `slots` free task slots between them, counting room by
 * the marketplace's slots. Agents asleep with room are woken, and new instances started (up to the deployment's
 * maximum) for what is still missing — all decided in one transaction under the deployment's row lock, so concurrent
 * recruiters do not all count the same new instance as theirs. Answers the room there will be.
 */
export async function ensureRoom({ db, temporal }: ActivationDeps, request: ActivationRequest & { slots: number }): Promise<{ room: number; woken: string[]; started: string[] }> {
  const plan = await inTransaction(db, async (client) => {
    const deployment = (
      await client.query<DeploymentRow>('select * from agent_deployments where tenant_id = $1 and agent_type = $2 for update', [request.tenant, request.agentType])
    ).rows[0];
    if (!deployment) throw new NotDeployedError(request.tenant, request.agentType);
    const agents = (
      await client.query<{ instance: number; state: AgentState; keep_warm: boolean; room: number }>(
        `select a.instance, a.state, a.keep_warm, greatest(0, a.capacity - coalesce(s.open, 0)) as room
         from agents a left join agent_slots s on s.tenant_id = a.tenant_id and s.agent_id = a.agent_id
         where a.tenant_id = $1 and a.agent_type = $2 and a.state <> 'RETIRED' order by a.instance`,
        [request.tenant, request.agentType],
      )
    ).rows.sort((a, b) => PREFERENCE[a.state] - PREFERENCE[b.state] || a.instance - b.instance);
    let room = 0;
    const wake: Array<{ instance: number; keepWarm: boolean }> = [];
    for (const agent of agents) {
      if (room >= request.slots) break;
      if (agent.room === 0) continue;
      room += agent.room;
      // Up already: its room counts as it is. Asleep (or not yet started): it is woken for the swarm.
      if (PREFERENCE[agent.state] > PREFERENCE.WARMING) wake.push({ instance: agent.instance, keepWarm: agent.keep_warm });
    }
    const started: number[] = [];
    let next = (await client.query<{ next: number }>('select coalesce(max(instance), 0) + 1 as next from agents where tenant_id = $1 and agent_type = $2', [request.tenant, request.agentType])).rows[0]?.next ?? 1;
    for (let instances = agents.length; room < request.slots && instances < deployment.max_instances; instances += 1) {
      await insertAgentRow(client, request.tenant, request.agentType, next, deployment, false);
      started.push(next);
      next += 1;
      room += deployment.capacity;
    }
    return { deployment, wake, started, room };
  });
  const signal = (instance: number, keepWarm: boolean) =>
    temporal.workflow.signalWithStart('agentWorkflow', {
      workflowId: agentWorkflowId(request.tenant, request.agentType, instance),
      taskQueue: TASK_QUEUES.workflows,
      args: [agentInput(request.tenant, request.agentType, instance, plan.deployment, keepWarm)],
      signal: 'wake',
      signalArgs: [{ reason: request.reason, keepAliveMinutes: request.keepAliveMinutes }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `${request.agentType} #${instance} · ${request.tenant}`,
    });
  await Promise.all([...plan.wake.map((w) => signal(w.instance, w.keepWarm)), ...plan.started.map((instance) => signal(instance, false))]);
  return { room: plan.room, woken: plan.wake.map((w) => agentId(request.agentType, w.instance)), started: plan.started.map((instance) => agentId(request.agentType, instance)) };
}

/**
 * Registers an instance, or brings a retired one back (a redeploy after an undeploy): its revision restarts with the
 * new workflow, whose first publish must not be ignored as older than the retired run's last one. A live row is left
 * to its workflow.
 */
export async function insertAgentRow(
  client: { query: Db['query'] },
  tenant: string,
  agentType: string,
  instance: number,
  deployment: DeploymentRow,
  keepWarm: boolean,
): Promise<void> {
  await client.query(
    `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity)
     values ($1, $2, $3, $4, $5, 'COLD', $6, $7, $8)
     on conflict (tenant_id, agent_id) do update set state = 'COLD', tier = excluded.tier, keep_warm = excluded.keep_warm, capacity = excluded.capacity,
       load = 0, free_capacity = 0, revision = 0, updated_at = now()
     where agents.state = 'RETIRED'`,
    [tenant, agentId(agentType, instance), agentType, instance, agentWorkflowId(tenant, agentType, instance), deployment.tier, keepWarm, deployment.capacity],
  );
}

/** The activity the schedule's workflow runs: the same activation, with a deployment that is gone as a final answer. */
export function createActivationActivities(deps: ActivationDeps) {
  return {
    async activateAgent(request: ActivationRequest): Promise<ActivationResult> {
      try {
        return await activateAgent(deps, request);
      } catch (error) {
        if (error instanceof NotDeployedError) throw ApplicationFailure.nonRetryable(error.message, 'NotDeployed');
        throw error;
      }
    },
    async ensureRoom(request: ActivationRequest & { slots: number }): Promise<{ room: number; woken: string[]; started: string[] }> {
      if (!Number.isInteger(request.slots) || request.slots < 1 || request.slots > 10_000) throw ApplicationFailure.nonRetryable(`slots must be 1..10000, not ${request.slots}`, 'InvalidActivation');
      try {
        return await ensureRoom(deps, request);
      } catch (error) {
        if (error instanceof NotDeployedError) throw ApplicationFailure.nonRetryable(error.message, 'NotDeployed');
        throw error;
      }
    },
  };
}
export type ActivationActivities = ReturnType<typeof createActivationActivities>;
