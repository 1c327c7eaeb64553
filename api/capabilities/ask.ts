import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import { capabilityId, capabilityWorkflowId, sourceUrlOf, type CapabilityAsk, type CapabilityRequest } from '../../core/tools/capability.js';
import type { capabilityWorkflow } from '../../workflows/index.js';
import { capabilityAskSignal } from '../../workflows/capability/messages.js';

/**
 * Asks the meta-agent for tools: signal-with-start on the build's id (tenant + API source + credential), so a request
 * for an API already being built joins that build instead of starting another, and asking twice is harmless.
 */
export async function askForCapability(
  temporal: Client,
  ask: { tenant: string; request: CapabilityRequest; requestedBy: string },
): Promise<{ capabilityId: string; workflowId: string }> {
  const { tenant, request, requestedBy } = ask;
  const id = capabilityId(request.api, request.secret);
  const workflowId = capabilityWorkflowId(tenant, id);
  await temporal.workflow.signalWithStart<typeof capabilityWorkflow, [CapabilityAsk]>('capabilityWorkflow', {
    workflowId,
    taskQueue: TASK_QUEUES.workflows,
    args: [{ ...request, tenant, requestedBy, notify: [] }],
    signal: capabilityAskSignal,
    signalArgs: [{ operations: request.operations ?? [], requestedBy, ...(request.secret ? { secret: request.secret } : {}) }],
    staticSummary: `Capability · ${sourceUrlOf(request.api).slice(0, 150)}`,
  });
  return { capabilityId: id, workflowId };
}
