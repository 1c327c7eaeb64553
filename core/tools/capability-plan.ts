import type { JsonObject, JsonValue } from '../tasks/json.js';
import type { DiscoveredApi, Operation } from './discovered-api.js';

/*
 * The meta-agent's decisions that need no I/O: how to try a freshly written tool before registering it, and what
 * to remember of a successful integration.
 */

/** Small pages keep a trial cheap for the API and fast for the verification. */
const TRIAL_PAGE_SIZE = 2;

function sampleValue(schema: JsonObject): JsonValue | undefined {
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  return undefined;
}

function pageSize(schema: JsonObject): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : 1;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : TRIAL_PAGE_SIZE;
  return Math.max(minimum, Math.min(TRIAL_PAGE_SIZE, maximum));
}

/**
 * Inputs to try a new tool with against the live API. Only reads are tried: a trial of a write would change the
 * outside world before anyone approved it, so writes are verified by validation alone. A read whose required
 * parameters have no documented example cannot be tried either (and is verified the same way).
 */
export function trialInputs(operation: Operation): JsonObject[] {
  if (operation.method !== 'get' && operation.method !== 'head') return [];
  const input: JsonObject = {};
  for (const parameter of operation.parameters) {
    if (parameter.in === 'header') continue;
    if (parameter.name === operation.pagination?.limitParam) {
      input[parameter.name] = pageSize(parameter.schema);
      continue;
    }
    if (!parameter.required) continue;
    const value = sampleValue(parameter.schema);
    if (value === undefined) return [];
    input[parameter.name] = value;
  }
  return [input];
}

/** What the tenant's procedural memory keeps of an integration that worked: enough to recognise a similar API. */
export function describePattern(api: DiscoveredApi, builtTools: readonly string[]): {
  taskType: string;
  procedure: string;
  steps: string[];
  content: string;
  metadata: JsonObject;
} {
  const paginations = [...new Set(api.operations.flatMap((op) => (op.pagination ? [op.pagination.style] : [])))];
  const procedure = `integration-${api.name}`.slice(0, 128);
  return {
    taskType: 'build_integration',
    procedure,
    steps: [`discover (${api.source})`, 'generate one tool per operation', 'validate', 'trial in the sandbox', 'register (testing)'],
    content:
      `Integration of ${api.title} (${api.name} ${api.version}): REST over ${new URL(api.baseUrl).protocol.replace(':', '')}, ` +
      `auth ${api.auth.type}, JSON responses, ${paginations.length > 0 ? `${paginations.join('/')} pagination` : 'no pagination'}; ` +
      `tools ${builtTools.join(', ')}; discovery confidence ${api.confidence.toFixed(2)}.`,
    metadata: { api: api.name, source: api.source, auth: api.auth.type, pagination: paginations, tools: [...builtTools], confidence: api.confidence },
  };
}
