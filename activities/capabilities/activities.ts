import { ApplicationFailure, Context } from '@temporalio/activity';
import { whileHeartbeating } from '../heartbeat.js';
import { sourceUrlOf, type CapabilitySource } from '../../core/tools/capability.js';
import type { DiscoveredApi } from '../../core/tools/discovered-api.js';
import { generateTool } from '../../core/tools/generate.js';
import { toolDraftSchema, type ToolDraft } from '../../core/tools/tool.js';
import { validateToolCode } from '../../core/tools/validation.js';
import { DiscoveryFetchError } from './bounded-fetch.js';
import { checkDiscoveryTarget, pinDiscoveryTarget, type DiscoveryTargetRules } from './discovery-target.js';
import { discoverByProbing, discoverFromSpec } from './discovery.js';
import type { CodeModel } from './code-model.js';

export interface DiscoveryRequest {
  tenant: string;
  source: CapabilitySource;
  /** Operations to describe in full; none: the `prioritize` most useful reads (a write is built only when named). */
  operations: string[];
  prioritize: number;
}

export interface DiscoveryResult {
  /** The API with only the operations asked for (a whole document can be megabytes: it stays out of history). */
  api: DiscoveredApi;
  /** Every operation id the API has (capped), so a request can be checked against it. */
  available: string[];
}

const MAX_LISTED_OPERATIONS = 500;

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error instanceof DiscoveryFetchError && /timed out after|failed: /.test(error.message)) || /HTTP (5\d\d|429)\b/.test(error.message);
}

/** Discovery on the integrations pool, where egress lives: the document is fetched (or the API probed) from there. */
export function createDiscoveryActivities(rules: DiscoveryTargetRules) {
  return {
    async discoverApi({ source, operations, prioritize }: DiscoveryRequest): Promise<DiscoveryResult> {
      const target = sourceUrlOf(source);
      if (!target) throw ApplicationFailure.nonRetryable('a capability source needs specUrl or baseUrl', 'InputError');
      // The same address rules as tools' own requests, on the URL and on every redirect hop: no reaching private
      // networks through a document URL.
      // Each hop is connected to the address that was judged, so a rebinding DNS server cannot redirect the fetch.
      const guard = { checkUrl: (url: string) => checkDiscoveryTarget(url, rules), pin: pinDiscoveryTarget(rules) };
      let api: DiscoveredApi;
      try {
        api = source.specUrl ? await discoverFromSpec(source.specUrl, guard) : await discoverByProbing(target, { ...guard, ...(source.probePaths ? { paths: source.probePaths } : {}) });
      } catch (error) {
        // Timeouts, refused connections and server errors may pass; a refused address or an invalid document will not.
        if (isTransient(error)) throw error;
        throw ApplicationFailure.nonRetryable(error instanceof Error ? error.message : String(error), 'InvalidApiDocument');
      }
      const reads = new Set(api.operations.filter((op) => op.method === 'get' || op.method === 'head').map((op) => op.operationId));
      const wanted = new Set(operations.length > 0 ? operations : api.prioritized.filter((id) => reads.has(id)).slice(0, prioritize));
      return {
        api: { ...api, operations: api.operations.filter((op) => wanted.has(op.operationId)) },
        available: api.operations.slice(0, MAX_LISTED_OPERATIONS).map((op) => op.operationId),
      };
    },
  };
}
export type DiscoveryActivities = ReturnType<typeof createDiscoveryActivities>;

export interface WriteToolRequest {
  tenant: string;
  api: DiscoveredApi;
  operationId: string;
  /** The credential name the generated requests carry (`auth`), never its value. */
  secret?: string;
  /** Where the API was discovered from, recorded on the tool so tasks find it by the same URL. */
  sourceUrl?: string;
  /** The build (the capability workflow's id): the key of a model's cost records. */
  buildId?: string;
}

export interface ToolWriterDeps {
  /** A model that writes tool code; absent: the deterministic generator writes every tool. */
  model?: CodeModel;
}

/**
 * Writing a tool (models pool). With a model, the model writes the code and the schema, and its code must pass the
 * same validation as any other — one more try with the problems shown to it, then the deterministic generator's
 * tool instead, so a capability never fails because a model wrote unsafe code.
 */
export function createToolWriterActivities({ model }: ToolWriterDeps) {
  return {
    writeTool: ({ tenant, api, operationId, secret, sourceUrl, buildId }: WriteToolRequest): Promise<ToolDraft> => whileHeartbeating(async () => {
      const operation = api.operations.find((op) => op.operationId === operationId);
      if (!operation) throw ApplicationFailure.nonRetryable(`the API has no operation ${operationId}`, 'InputError');
      const generated = generateTool(api, operationId, { ...(secret ? { secretName: secret } : {}) });
      const deterministic = toolDraftSchema.parse({
        name: generated.name,
        description: generated.description,
        code: generated.code,
        entry: generated.entry,
        inputSchema: generated.inputSchema,
        level: generated.level,
        allowedHosts: generated.allowedHosts,
        api: api.name,
        operationId,
        ...(sourceUrl ? { sourceUrl } : {}),
        // Reads leave the outside world as it is; anything else is an effect a task may not cause on its own.
        sideEffects: !(operation.method === 'get' || operation.method === 'head'),
        ...(secret && api.auth.type !== 'none' ? { authSecret: secret } : {}),
      });
      if (!model) return deterministic;
      let problems: string[] = [];
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const context = Context.current();
        let written;
        try {
          written = await model.write(
            { tenant, buildId: buildId ?? `build:${api.name}`, attempt, activityAttempt: context.info.attempt, api, operation, secret, reference: deterministic.code, problems },
            context.cancellationSignal,
          );
        } catch (error) {
          // No model may write code here (none fits, the budget is spent, every key refused): the generator writes it.
          // Anything else (a provider down) fails the step, and Temporal tries again.
          if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
          context.log.warn('no model can write this tool; using the deterministic generator', { operationId, reason: error.message });
          return deterministic;
        }
        const validated = validateToolCode(written.code, { entry: 'main' });
        if (validated.ok) {
          const draft = toolDraftSchema.safeParse({ ...deterministic, code: written.code, inputSchema: written.inputSchema, description: `${deterministic.description} (written by ${written.writtenBy})` });
          if (draft.success) return draft.data;
          problems = draft.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        } else {
          problems = validated.problems.map((p) => `${p.rule} at ${p.line}:${p.column}: ${p.message}`);
        }
      }
      Context.current().log.warn('the model did not write a valid tool; using the deterministic generator', { operationId, problems: problems.slice(0, 5) });
      return deterministic;
    }),
  };
}
export type ToolWriterActivities = ReturnType<typeof createToolWriterActivities>;
