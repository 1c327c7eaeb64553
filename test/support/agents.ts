import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AgentStateView, AgentWorkflowInput } from '../../core/agents/agent.js';
import { agentWorkflowId } from '../../core/agents/ids.js';
import type { AgentState } from '../../core/agents/lifecycle.js';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { stateQuery } from '../../workflows/agent/messages.js';

/** An on-demand reconciliation agent, awake at start, idling to sleep after 30 minutes, unless overridden. */
export function agentInput(tenant: string, overrides: Partial<AgentWorkflowInput> = {}): AgentWorkflowInput {
  return { tenant, agentType: 'finance.reconciliation', instance: 1, tier: 'on_demand', keepWarm: false, capacity: 2, idleMinutes: 30, startAwake: true, ...overrides };
}

export async function startAgent(client: Client, input: AgentWorkflowInput) {
  return client.workflow.start('agentWorkflow', { workflowId: agentWorkflowId(input.tenant, input.agentType, input.instance), taskQueue: TASK_QUEUES.workflows, args: [input] });
}

/** Polls the agent's `state` query until `done` holds (or fails after `withinMs`, naming what it waited for and the last view). */
export async function untilAgent(handle: WorkflowHandle, done: (view: AgentStateView) => boolean, what: string, withinMs = 15_000): Promise<AgentStateView> {
  let last: AgentStateView | undefined;
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    last = await handle.query(stateQuery).catch(() => undefined);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`agent ${handle.workflowId} never reached ${what} within ${withinMs} ms; last: ${JSON.stringify(last)}`);
}

export const agentInState = (handle: WorkflowHandle, state: AgentState) => untilAgent(handle, (v) => v.state === state, state);
