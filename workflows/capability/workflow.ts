import { allHandlersFinished, condition, getExternalWorkflowHandle, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
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
  const { workflowId } = workflowInfo();
  const wanted = new Set(input.operations ?? []);
  const notify = new Set(input.notify);
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
  let secret = input.secret;
  const sourceUrl = sourceUrlOf(input.api);
  const show = () => setCurrentDetails(`**${view.status}** · ${Object.keys(view.tools).length} tool(s) ready · ${Object.keys(view.failed).length} failed`);

  setHandler(capabilityStatusQuery, () => view);
  setHandler(capabilityAskSignal, (ask) => {
    for (const operation of ask.operations) wanted.add(operation);
    if (ask.notify) notify.add(ask.notify);
    if (!view.requestedBy.includes(ask.requestedBy)) view.requestedBy.push(ask.requestedBy);
    secret ??= ask.secret;
    view.requested = [...wanted];
  });

  const unhandled = () => [...wanted].filter((op) => !(op in view.tools) && !(op in view.failed));
  const announced = new Set<string>();
  const announce = async () => {
    const ready: CapabilityReady = { workflowId, api: view.api?.name ?? '', tools: view.tools, failed: view.failed, ...(view.error ? { error: view.error } : {}) };
    for (const target of [...notify].filter((id) => !announced.has(id))) {
      announced.add(target);
      // A requester that ended meanwhile has nobody left to tell.
      await getExternalWorkflowHandle(target).signal(capabilityReadySignal, ready).catch(() => undefined);
    }
  };

  show();
  try {
    // Rounds: asks that arrive while a round builds are served by the next one, in the same run.
    for (let round = 0; round === 0 || unhandled().length > 0; round += 1) {
      const discovered = await discovery.discoverApi({ tenant: input.tenant, source: input.api, operations: [...wanted], prioritize: DEFAULT_OPERATIONS });
      const { api } = discovered;
      view.api = { name: api.name, title: api.title, version: api.version, source: api.source, baseUrl: api.baseUrl, auth: api.auth.type, confidence: api.confidence, operations: discovered.available.length };
      if (wanted.size === 0) for (const op of api.prioritized.slice(0, DEFAULT_OPERATIONS)) wanted.add(op);
      view.requested = [...wanted];
      view.status = 'building';
      show();

      const existing = await registry.findSourceTools({ tenant: input.tenant, sourceUrl });
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
            const draft = await writer.writeTool({ tenant: input.tenant, api, operationId, sourceUrl, buildId: workflowId, ...(secret ? { secret } : {}) });
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
      await announce();
      // Whoever asked while this round was finishing is served before the run closes.
      await condition(allHandlersFinished);
    }
  } catch (error) {
    view.status = 'failed';
    view.error = causeOf(error);
  }
  const finishedAt = new Date();
  view.readyAt = finishedAt.toISOString();
  view.readyMs = finishedAt.getTime() - new Date(view.startedAt).getTime();
  show();
  await announce();
  return view;
}

/** An activity failure's own message (the cause), not Temporal's wrapper around it. */
function causeOf(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? error.cause.message : error.message;
  return String(error);
}
