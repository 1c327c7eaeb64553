import { getExternalWorkflowHandle, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DiscoveryActivities, ToolWriterActivities } from '../../activities/capabilities/activities.js';
import type { MemoryActivities } from '../../activities/memory/activities.js';
import type { ToolRegistryActivities } from '../../activities/tools/registry-activities.js';
import { DEFAULT_OPERATIONS, sourceUrlOf, type CapabilityReady, type CapabilityView, type CapabilityWorkflowInput } from '../../core/tools/capability.js';
import { describePattern, trialInputs } from '../../core/tools/capability-plan.js';
import { MEMORY_STEP } from '../task/activity-options.js';
import { DISCOVERY_STEP, TOOLS_REGISTRY_STEP, WRITE_STEP } from './activity-options.js';
import { capabilityAskSignal, capabilityReadySignal, capabilityStatusQuery } from './messages.js';

const discovery = proxyActivities<DiscoveryActivities>(DISCOVERY_STEP);
const writer = proxyActivities<ToolWriterActivities>(WRITE_STEP);
const registry = proxyActivities<ToolRegistryActivities>(TOOLS_REGISTRY_STEP);
const memory = proxyActivities<MemoryActivities>(MEMORY_STEP);

/** The meta-agent's own identity in memory and audit: it builds tools for the other agents. */
export const INTEGRATION_BUILDER = 'meta.integration_builder';

/**
 * The meta-agent (whitepaper §13): discover an API, write one tool per requested operation, verify each (validation,
 * then trial runs in the sandbox), register the ones that pass, remember the pattern, and tell everyone waiting.
 * Requests for the same API while it runs join it (capabilityAsk), so an API is built once however many agents
 * lack it at the same moment; operations that already have a registered tool are not built again.
 */
export async function capabilityWorkflow(input: CapabilityWorkflowInput): Promise<CapabilityView> {
  const { workflowId, runId } = workflowInfo();
  const wanted = new Set(input.operations ?? []);
  // Who waits for which operations; an empty set means "the API's most useful operations" (known after discovery).
  const waiting = new Map<string, Set<string>>(input.notify.map((target) => [target, new Set(input.operations ?? [])]));
  const view: CapabilityView = {
    tenant: input.tenant,
    source: input.api,
    status: 'discovering',
    requested: [...wanted],
    tools: {},
    failed: {},
    built: [],
    requestedBy: [input.requestedBy],
    startedAt: new Date(workflowInfo().startTime).toISOString(),
  };
  // The credential is part of the capability's id: every request of this build names the same one.
  const secret = input.secret;
  const sourceUrl = sourceUrlOf(input.api);
  const show = () => setCurrentDetails(`**${view.status}** · ${Object.keys(view.tools).length} tool(s) ready · ${Object.keys(view.failed).length} failed`);

  setHandler(capabilityStatusQuery, () => view);
  setHandler(capabilityAskSignal, (ask) => {
    for (const operation of ask.operations) wanted.add(operation);
    if (ask.notify) waiting.set(ask.notify, new Set([...(waiting.get(ask.notify) ?? []), ...ask.operations]));
    if (!view.requestedBy.includes(ask.requestedBy)) view.requestedBy.push(ask.requestedBy);
    view.requested = [...wanted];
  });

  const handled = (op: string) => op in view.tools || op in view.failed;
  const unhandled = () => [...wanted].filter((op) => !handled(op));
  /** Tells each waiting workflow whose operations are all settled (or everyone, once the build has failed). */
  const announce = async () => {
    const ready: CapabilityReady = { workflowId, api: view.api?.name ?? '', tools: { ...view.tools }, failed: { ...view.failed }, ...(view.error ? { error: view.error } : {}) };
    const settled = [...waiting].filter(([, ops]) => view.error !== undefined || [...ops].every(handled));
    for (const [target] of settled) waiting.delete(target);
    // A requester that ended meanwhile has nobody left to tell.
    await Promise.all(settled.map(([target]) => getExternalWorkflowHandle(target).signal(capabilityReadySignal, ready).catch(() => undefined)));
  };

  show();
  let discovered = false;
  // Rounds until nothing is left to build and nobody is left to tell; asks that arrive during a round (or while the
  // last announcements go out) are served by the next round of the same run. No await stands between the final
  // check and the return, so no ask can slip in unserved.
  while (!discovered || unhandled().length > 0 || waiting.size > 0) {
    if (!discovered || unhandled().length > 0) {
      try {
        await buildRound();
      } catch (error) {
        view.status = 'failed';
        view.error = causeOf(error);
      }
      discovered = true;
    }
    await announce();
    if (view.error !== undefined && waiting.size === 0) break;
  }
  const finishedAt = new Date();
  view.readyAt = finishedAt.toISOString();
  view.readyMs = finishedAt.getTime() - new Date(view.startedAt).getTime();
  show();
  return view;

  async function buildRound(): Promise<void> {
    const result = await discovery.discoverApi({ tenant: input.tenant, source: input.api, operations: [...wanted], prioritize: DEFAULT_OPERATIONS });
    const { api } = result;
    view.api = { name: api.name, title: api.title, version: api.version, source: api.source, baseUrl: api.baseUrl, auth: api.auth.type, confidence: api.confidence, operations: result.available.length };
    if (wanted.size === 0) {
      // No operations named: discovery described the API's most useful reads (writes are built only by name).
      for (const op of api.operations) wanted.add(op.operationId);
      for (const ops of waiting.values()) if (ops.size === 0) for (const op of wanted) ops.add(op);
    }
    view.requested = [...wanted];
    view.status = 'building';
    show();

    const existing = await registry.findSourceTools({ tenant: input.tenant, sourceUrl, authSecret: secret ?? null });
    const builtBefore = view.built.length;
    // Operations are built side by side: each is independent, and a build is a chain of short activities.
    await Promise.all(
      unhandled().map(async (operationId) => {
        if (existing[operationId]) {
          view.tools[operationId] = existing[operationId];
          return;
        }
        const operation = api.operations.find((op) => op.operationId === operationId);
        if (!operation) {
          view.failed[operationId] = `the API has no operation ${operationId}`;
          return;
        }
        try {
          const draft = await writer.writeTool({ tenant: input.tenant, api, operationId, sourceUrl, buildId: `${workflowId}:${runId}`, ...(secret ? { secret } : {}) });
          const verdict = await registry.verifyTool({ tenant: input.tenant, draft, trials: trialInputs(operation) });
          if (!verdict.passed) {
            view.failed[operationId] = verdict.problems.slice(0, 3).join('; ');
            return;
          }
          const { tool } = await registry.registerTool({ tenant: input.tenant, draft, creator: `${INTEGRATION_BUILDER}:${input.requestedBy}` });
          view.tools[operationId] = tool.name;
          view.built.push(tool.id);
        } catch (error) {
          // One operation that cannot be built does not cost the others theirs.
          view.failed[operationId] = causeOf(error);
        } finally {
          show();
        }
      }),
    );
    if (view.built.length > builtBefore) {
      // The successful pattern becomes procedural memory: the next integration of a similar API starts from it.
      await memory.storeMemory({ kind: 'procedural', tenant: input.tenant, agentId: INTEGRATION_BUILDER, agentType: INTEGRATION_BUILDER, ...describePattern(api, view.built) });
    }
    view.status = Object.keys(view.tools).length > 0 ? 'ready' : 'failed';
  }
}

/** An activity failure's own message (the cause), not Temporal's wrapper around it. */
function causeOf(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? error.cause.message : error.message;
  return String(error);
}
