import { ActivityFailure, CancellationScope, getExternalWorkflowHandle, proxyActivities, sleep } from '@temporalio/workflow';
import type { ActivationActivities } from '../../activities/lifecycle/activation.js';
import type { MarketplaceActivities } from '../../activities/swarm/marketplace.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import { ACTIVATION_STEP } from '../agent/activity-options.js';
import { assignSignal, releaseSignal } from '../agent/messages.js';
import { MEMORY_STEP } from './activity-options.js';

const market = proxyActivities<MarketplaceActivities>(MEMORY_STEP);
const activation = proxyActivities<ActivationActivities>(ACTIVATION_STEP);

/**
 * Waiting for room: 0.5 s doubling to 10 s; a recruitment (wake or spawn) on the first miss and every fifth after.
 * The longest wait bounds how long room can stay free for a louder waiter that is asleep between its calls.
 */
const ROOM_WAIT_MS = { first: 500, max: 10_000 };
const RECRUIT_EVERY = 5;

export interface TaskAward {
  agentId: string;
  workflowId: string;
}

/**
 * The task marketplace from the task's side: announce the task, take the award (waiting, and recruiting, while no agent
 * of its type has room; held back while danger marks its place), tell the agent, and at the end give the slot back.
 * A task whose agent type has no deployed instance for the tenant runs on the worker pools without an award.
 */
export function useMarketplace(input: Pick<TaskWorkflowInput, 'tenant' | 'taskId' | 'agentType' | 'taskType' | 'priority'>, submittedAt: string) {
  let award: TaskAward | undefined;
  let awardedAtMs = 0;
  let released = false;
  const task = { tenant: input.tenant, taskId: input.taskId, agentType: input.agentType, taskType: input.taskType, priority: input.priority, submittedAt };
  /**
   * Wakes a sleeping instance or starts a new one, up to the deployment's maximum (the activation path). Best effort:
   * a type undeployed meanwhile is the award's business (it answers not_deployed), not a reason to fail the task.
   */
  const recruit = async (why: string): Promise<void> => {
    try {
      await activation.activateAgent.executeWithOptions({ ...ACTIVATION_STEP, summary: `Recruit a ${input.agentType}: ${why}` }, [
        { tenant: input.tenant, agentType: input.agentType, reason: `task:${input.taskId}` },
      ]);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
    }
  };

  return {
    get award() {
      return award;
    },

    async take(): Promise<TaskAward | undefined> {
      for (let round = 1; ; round += 1) {
        // `attempt` is the task's own (a new task's is 1): waiting longer must not make it call more softly.
        const outcome = await market.awardTask.executeWithOptions({ ...MEMORY_STEP, summary: `Award to a ${input.agentType} (round ${round})` }, [{ ...task, attempt: 1 }]);
        if (outcome.kind === 'not_deployed') return undefined;
        if (outcome.kind === 'awarded') {
          award = { agentId: outcome.agentId, workflowId: outcome.workflowId };
          awardedAtMs = Date.now();
          await getExternalWorkflowHandle(outcome.workflowId).signal(assignSignal, { taskId: input.taskId });
          // The type is 90% busy or more: recruit now, before the next task finds everyone full.
          if (outcome.crowded) await recruit(`${input.agentType} is 90%+ busy after this award`);
          return award;
        }
        if (outcome.kind === 'delayed') {
          await sleep(Math.max(1000, outcome.untilMs - Date.now()));
          continue;
        }
        if (round === 1 || round % RECRUIT_EVERY === 0) await recruit(`all ${outcome.bids} busy`);
        await sleep(Math.min(ROOM_WAIT_MS.max, ROOM_WAIT_MS.first * 2 ** Math.min(round - 1, 6)));
      }
    },

    /** Once per task, whatever its ending; runs even while the workflow is being cancelled. */
    async release(succeeded: boolean): Promise<void> {
      const held = award;
      if (!held || released) return;
      released = true;
      await CancellationScope.nonCancellable(async () => {
        await market.releaseTask.executeWithOptions({ ...MEMORY_STEP, summary: `Release ${held.agentId}` }, [
          // The agent's time on the task, in workflow time: what it counts against the agent when work is spread.
          { tenant: input.tenant, taskId: input.taskId, agentType: input.agentType, agentId: held.agentId, succeeded, workMs: Math.max(0, Date.now() - awardedAtMs) },
        ]);
        await getExternalWorkflowHandle(held.workflowId).signal(releaseSignal, { taskId: input.taskId });
      });
    },
  };
}
