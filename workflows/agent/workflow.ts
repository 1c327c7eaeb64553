import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CheckpointActivities } from '../../activities/lifecycle/checkpoints.js';
import type { RegistryActivities } from '../../activities/lifecycle/registry.js';
import { freshMemory, type AgentStateRecord, type AgentStateView, type AgentWorkflowInput, type CarriedAgentState } from '../../core/agents/agent.js';
import { agentId as agentIdOf } from '../../core/agents/ids.js';
import { freeCapacity, newAgent, RUNNING_STATES, sleepDeadline, transition, type LifecycleEvent } from '../../core/agents/lifecycle.js';
import { rememberRelease, rememberWake } from '../../core/agents/memory.js';
import { REGISTRY_STEP, SNAPSHOT_STEP } from './activity-options.js';
import { assignSignal, reconfigureSignal, releaseSignal, retireSignal, sleepSignal, stateQuery, wakeSignal, wakeUpdate } from './messages.js';
import { agentSearchAttributes, agentStateAttribute } from './search-attributes.js';

const registry = proxyActivities<RegistryActivities>(REGISTRY_STEP);
const snapshots = proxyActivities<CheckpointActivities>(SNAPSHOT_STEP);

const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

/**
 * One agent instance for its whole life. Messages and the idle timer become lifecycle events, handled one at a time
 * by the pure state machine (core/agents/lifecycle.ts); this function carries out what it decides: restore on the
 * way up, checkpoint and release on the way to sleep, publish to swarm state after every step. It continues as new
 * before its history grows long, carrying its state.
 */
export async function agentWorkflow(input: AgentWorkflowInput): Promise<AgentStateView> {
  const { workflowId } = workflowInfo();
  const id = agentIdOf(input.agentType, input.instance);
  const carried: CarriedAgentState = input.carried ?? {
    lifecycle: newAgent({ tier: input.tier, keepWarm: input.keepWarm, capacity: input.capacity, idleMinutes: input.idleMinutes, now: Date.now() }),
    memory: null,
    queued: input.startAwake ? [{ type: 'wake', reason: 'deployed' }] : [],
    lastCheckpointSeq: null,
    restoredFrom: null,
    runs: 0,
  };
  let { lifecycle, memory, lastCheckpointSeq, restoredFrom } = carried;
  const queue: LifecycleEvent[] = [...carried.queued];
  let lastRefusal: string | null = null;

  const record = (): AgentStateRecord => ({
    tenant: input.tenant,
    agentId: id,
    agentType: input.agentType,
    instance: input.instance,
    workflowId,
    state: lifecycle.state,
    tier: lifecycle.tier,
    keepWarm: lifecycle.keepWarm,
    capacity: lifecycle.capacity,
    load: lifecycle.tasks.length,
    freeCapacity: RUNNING_STATES.includes(lifecycle.state) ? freeCapacity(lifecycle) : 0,
    revision: lifecycle.revision,
    stateSince: new Date(lifecycle.stateSince).toISOString(),
    usage: lifecycle.usage,
    meteredUntil: new Date(lifecycle.meteredUntil).toISOString(),
    wakes: lifecycle.wakes,
  });
  const view = (): AgentStateView => {
    const deadline = sleepDeadline(lifecycle);
    return {
      ...record(),
      tasks: lifecycle.tasks,
      idleMinutes: lifecycle.idleMinutes,
      keepAliveUntil: lifecycle.keepAliveUntil === null ? null : new Date(lifecycle.keepAliveUntil).toISOString(),
      sleepsAt: deadline === null ? null : new Date(deadline).toISOString(),
      pending: lifecycle.pending,
      lastCheckpointSeq,
      restoredFrom,
      memory,
      lastRefusal,
      runs: carried.runs + 1,
    };
  };

  setHandler(assignSignal, ({ taskId }) => void queue.push({ type: 'assign', taskId }));
  setHandler(releaseSignal, ({ taskId, tokens }) => void queue.push({ type: 'release', taskId, tokens }));
  setHandler(wakeSignal, ({ reason, keepAliveMinutes }) => void queue.push({ type: 'wake', reason, keepAliveMinutes }));
  setHandler(sleepSignal, ({ reason }) => void queue.push({ type: 'sleep', reason }));
  setHandler(retireSignal, ({ reason }) => void queue.push({ type: 'retire', reason }));
  setHandler(reconfigureSignal, ({ tier, keepWarm, capacity, idleMinutes }) => void queue.push({ type: 'reconfigure', tier, keepWarm, capacity, idleMinutes }));
  setHandler(stateQuery, view);
  setHandler(
    wakeUpdate,
    async ({ reason, keepAliveMinutes }) => {
      const wakesBefore = lifecycle.wakes;
      queue.push({ type: 'wake', reason, keepAliveMinutes });
      // Answer once the agent runs: right away if it already did, else when this wake has brought it up.
      await condition(() => (lifecycle.state === 'ACTIVE' || lifecycle.state === 'IDLE') && (queue.length === 0 || lifecycle.wakes > wakesBefore));
      return view();
    },
    {
      validator: (_wake) => {
        if (lifecycle.state === 'RETIRED' || lifecycle.pending === 'retire') throw new Error(`agent ${id} is retired`);
      },
    },
  );

  const publish = async () => {
    setCurrentDetails(`**${lifecycle.state}** · ${lifecycle.tasks.length}/${lifecycle.capacity} tasks · ${lifecycle.tier}${lifecycle.keepWarm ? ' · warm pool' : ''}`);
    await registry.publishAgentState.executeWithOptions({ ...REGISTRY_STEP, summary: `Publish ${lifecycle.state} r${lifecycle.revision}` }, [record()]);
  };

  const handle = async (event: LifecycleEvent): Promise<void> => {
    const before = lifecycle.state;
    const result = transition(lifecycle, event, Date.now());
    if (!result.ok) {
      lastRefusal = result.reason;
      log.info('lifecycle event refused', { agentId: id, reason: result.reason });
      return;
    }
    // WARMING shows while the restore runs; SLEEPING (or RETIRED) shows only once the checkpoint is safely written.
    const checkpointFirst = result.effects.some((effect) => effect.kind === 'checkpoint');
    if (!checkpointFirst) lifecycle = result.agent;
    for (const effect of result.effects) {
      if (effect.kind === 'restore') {
        const restored = await snapshots.restoreAgent.executeWithOptions({ ...SNAPSHOT_STEP, summary: 'Restore from the latest checkpoint' }, [{ tenant: input.tenant, agentId: id }]);
        memory = restored?.memory ?? freshMemory(input.agentType, new Date().toISOString());
        restoredFrom = restored?.seq ?? 'cold';
      } else if (effect.kind === 'checkpoint' && memory) {
        const saved = await snapshots.checkpointAgent.executeWithOptions({ ...SNAPSHOT_STEP, summary: `Checkpoint r${result.agent.revision}` }, [
          { tenant: input.tenant, agentId: id, seq: result.agent.revision, memory },
        ]);
        lastCheckpointSeq = saved.seq;
      } else if (effect.kind === 'release_capacity') {
        // The working memory is in the checkpoint now; the workflow keeps only the small lifecycle record.
        memory = null;
      }
    }
    lifecycle = result.agent;
    if (event.type === 'wake' && memory) memory = rememberWake(memory, event.reason);
    if (event.type === 'release' && memory) memory = rememberRelease(memory, event.taskId);
    if (lifecycle.state === 'WARMING') {
      // The restore above has finished: the agent is warm.
      await handle({ type: 'warmed' });
      return;
    }
    if (lifecycle.state !== before) upsertSearchAttributes([agentStateAttribute(lifecycle.state)]);
    await publish();
  };

  upsertSearchAttributes(agentSearchAttributes(input.tenant, input.agentType, lifecycle.state));
  if (!input.carried) await publish();

  const maxHistory = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const retired = () => lifecycle.state === 'RETIRED';
  while (!retired()) {
    const deadline = sleepDeadline(lifecycle);
    const hasWork = () => queue.length > 0;
    const woke = deadline === null ? (await condition(hasWork), true) : await condition(hasWork, Math.max(1, deadline - Date.now()));
    const event = woke ? queue.shift() : { type: 'idle_timeout' as const };
    if (event) await handle(event);
    const info = workflowInfo();
    if (!retired() && queue.length === 0 && (info.continueAsNewSuggested || info.historyLength >= maxHistory)) {
      await condition(allHandlersFinished);
      if (queue.length === 0) {
        await continueAsNew<typeof agentWorkflow>({
          ...input,
          carried: { lifecycle, memory, queued: [], lastCheckpointSeq, restoredFrom, runs: carried.runs + 1 },
        });
      }
    }
  }
  await condition(allHandlersFinished);
  return view();
}
