import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgentStateView } from '../../core/agents/agent.js';
import type { AgentSettings } from '../../core/agents/lifecycle.js';

/**
 * The messages `agentWorkflow` answers. Signals drive the lifecycle from anywhere (the marketplace, schedules, the
 * Web UI: `temporal workflow signal --name wake --input '{"reason":"manual"}'`); the `wake` update does the same and
 * answers once the agent is running, which is what the API and the benchmark wait for.
 */
export interface AssignInput {
  taskId: string;
}
export interface ReleaseInput {
  taskId: string;
  /** Model tokens the task used, for the agent's cost metrics. */
  tokens?: number;
}
export interface WakeInput {
  reason: string;
  keepAliveMinutes?: number;
}
export interface ReasonInput {
  reason: string;
}

export const assignSignal = defineSignal<[AssignInput]>('assign');
export const releaseSignal = defineSignal<[ReleaseInput]>('release');
export const wakeSignal = defineSignal<[WakeInput]>('wake');
export const sleepSignal = defineSignal<[ReasonInput]>('sleep');
export const retireSignal = defineSignal<[ReasonInput]>('retire');
/** A redeploy's new settings for this instance (sent by the deploy endpoint to every running instance). */
export const reconfigureSignal = defineSignal<[AgentSettings]>('reconfigure');

export const wakeUpdate = defineUpdate<AgentStateView, [WakeInput]>('wakeNow');

export const stateQuery = defineQuery<AgentStateView>('state');
