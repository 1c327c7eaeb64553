import { proxyActivities } from '@temporalio/workflow';
import type { ActivationActivities } from '../../activities/lifecycle/activation.js';
import type { ActivationRequest, ActivationResult } from '../../core/agents/agent.js';
import { ACTIVATION_STEP } from './activity-options.js';

const activation = proxyActivities<ActivationActivities>(ACTIVATION_STEP);

/**
 * What a deployment's Temporal Schedule starts at each tick: wake one agent of the type for the keep-alive window.
 * Business-hours agents stay up because each tick extends the window; between ticks they sleep when idle.
 */
export async function agentActivationWorkflow(request: ActivationRequest): Promise<ActivationResult> {
  return activation.activateAgent.executeWithOptions({ ...ACTIVATION_STEP, summary: `Wake ${request.agentType} (${request.reason})` }, [request]);
}
