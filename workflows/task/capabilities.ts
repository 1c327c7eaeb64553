import {
  ApplicationFailure,
  condition,
  proxyActivities,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import type { ToolRegistryActivities } from '../../activities/tools/registry-activities.js';
import { capabilityId, capabilityWorkflowId, groupNeeds, sourceUrlOf, type CapabilityNeed, type CapabilityReady } from '../../core/tools/capability.js';
import { TOOLS_REGISTRY_STEP } from '../capability/activity-options.js';
import { capabilityAskSignal, capabilityReadySignal } from '../capability/messages.js';
import { capabilityWorkflow } from '../capability/workflow.js';

const registry = proxyActivities<ToolRegistryActivities>(TOOLS_REGISTRY_STEP);

/** Generating, verifying and registering a handful of tools takes seconds; this bounds a stuck build. */
const CAPABILITY_WAIT = '10 minutes';
/** Start, or join; a build that ends between our two tries is started again. */
const REQUEST_TRIES = 3;

/**
 * A task whose playbook calls outside APIs (`@alias` steps) gets its tools here: it asks the meta-agent for each API
 * it lacks tools for — starting the build, or joining one already under way — and waits for the `capabilityReady`
 * signal. APIs whose tools the tenant already has are bound at once, without a build; nothing is built twice.
 */
export function useCapabilities(input: Pick<TaskWorkflowInput, 'tenant' | 'requestedBy'>) {
  const ready = new Map<string, CapabilityReady>();
  setHandler(capabilityReadySignal, (announcement) => {
    ready.set(announcement.workflowId, announcement);
  });

  async function request(workflowId: string, group: ReturnType<typeof groupNeeds>[number]): Promise<void> {
    const me = workflowInfo().workflowId;
    const secret = group.secret ? { secret: group.secret } : {};
    for (let attempt = 0; attempt < REQUEST_TRIES; attempt += 1) {
      try {
        await startChild(capabilityWorkflow, {
          workflowId,
          args: [{ api: group.source, operations: group.operations, ...secret, tenant: input.tenant, requestedBy: `task:${me}`, notify: [me] }],
          // The build serves every task of the tenant that needs this API: it outlives the task that started it.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: `Capability · ${sourceUrlOf(group.source).slice(0, 150)}`,
        });
        return;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      try {
        await getExternalWorkflowHandle(workflowId).signal(capabilityAskSignal, { operations: group.operations, requestedBy: `task:${me}`, notify: me, ...secret });
        return;
      } catch {
        // It closed between the start and the signal: start it again.
      }
    }
    throw ApplicationFailure.nonRetryable(`could not start or join the capability build ${workflowId}`, 'CapabilityUnavailable');
  }

  return {
    /** Alias → registered tool name for every need, or a non-retryable failure naming what could not be built. */
    async acquire(needs: readonly CapabilityNeed[]): Promise<Record<string, string>> {
      const bindings: Record<string, string> = {};
      for (const group of groupNeeds(needs)) {
        const where = sourceUrlOf(group.source);
        // The usual case once an API has been built for the tenant: its tools are registered; no build to ask for.
        const registered = await registry.findSourceTools.executeWithOptions({ ...TOOLS_REGISTRY_STEP, summary: `Find the tools of ${where.slice(0, 100)}` }, [
          { tenant: input.tenant, sourceUrl: where, authSecret: group.secret ?? null },
        ]);
        if (Object.values(group.aliases).every((operation) => registered[operation])) {
          for (const [alias, operation] of Object.entries(group.aliases)) bindings[alias] = registered[operation] as string;
          continue;
        }
        const workflowId = capabilityWorkflowId(input.tenant, capabilityId(group.source, group.secret));
        await request(workflowId, group);
        if (!(await condition(() => ready.has(workflowId), CAPABILITY_WAIT))) {
          throw ApplicationFailure.nonRetryable(`the tools for ${where} were not ready within ${CAPABILITY_WAIT}`, 'CapabilityUnavailable');
        }
        const announcement = ready.get(workflowId) as CapabilityReady;
        for (const [alias, operation] of Object.entries(group.aliases)) {
          const tool = announcement.tools[operation];
          if (!tool) throw ApplicationFailure.nonRetryable(`no tool for ${operation} of ${where}: ${announcement.failed[operation] ?? announcement.error ?? 'not built'}`, 'CapabilityUnavailable');
          bindings[alias] = tool;
        }
      }
      return bindings;
    },
  };
}
