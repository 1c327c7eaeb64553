/**
 * The pure half of discovery by probing: which paths an index response points to, what
 * a 401 says about authentication, and how the answers become a DiscoveredApi.
 */
import type { JsonValue } from '../tasks/json.js';
import { apiNameFrom, deriveOperationId, discoveredApiSchema, type ApiAuth, type DiscoveredApi, type Operation } from './discovered-api.js';
import { probeConfidence, prioritizeOperations } from './prioritize.js';
import { inferJsonSchema } from './schema-inference.js';

/** Paths worth a look when neither the caller nor an index response names any. */
export const COMMON_PROBE_PATHS: readonly string[] = ['/api', '/v1', '/status', '/health', '/version'];

export interface ProbeAnswer {
  /** Relative to the base URL, starting with '/' ('/' is the base URL itself). */
  path: string;
  status: number;
  /** Parsed body when the answer was JSON. */
  json?: unknown;
  wwwAuthenticate?: string;
}

/**
 * Paths an index document links to: strings anywhere in it (HAL `_links`, `*_url`
 * fields, plain lists) that are absolute paths or URLs under the base URL. They are
 * returned relative to the base URL, without query or fragment, de-duplicated.
 */
export function linkedPaths(index: unknown, baseUrl: string, max = 20): string[] {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (found.size >= max || depth > 6) return;
    if (typeof value === 'string') {
      // URI templates (`/items/{id}`) are not paths one can GET.
      if ((!value.startsWith('/') && !/^https?:\/\//.test(value)) || /[{}\s]/.test(value)) return;
      let url: URL;
      try {
        url = new URL(value, base.origin);
      } catch {
        return;
      }
      if (url.origin !== base.origin) return;
      const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : basePath === '' ? url.pathname : undefined;
      if (path && path !== '/') found.add(path.replace(/\/+$/, ''));
      return;
    }
    if (Array.isArray(value)) for (const item of value) visit(item, depth + 1);
    else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) visit(item, depth + 1);
  };
  visit(index, 0);
  return [...found].slice(0, max);
}

/**
 * Authentication from the challenge of a 401: `Bearer ...` → bearer, `Basic ...` →
 * basic. A 401/403 without a recognisable challenge most often means a bearer token,
 * the common case for JSON APIs, so that is the guess.
 */
export function authFromAnswers(answers: readonly ProbeAnswer[]): ApiAuth {
  const refused = answers.filter((answer) => answer.status === 401 || answer.status === 403);
  if (refused.length === 0) return { type: 'none' };
  const challenge = refused.map((answer) => answer.wwwAuthenticate?.trim().toLowerCase() ?? '').find((value) => value !== '') ?? '';
  if (challenge.startsWith('basic')) return { type: 'basic' };
  return { type: 'bearer' };
}

const MAX_EXAMPLE_CHARS = 4000;

/** A small example keeps the description (a workflow payload) small. */
function clippedExample(value: unknown): JsonValue | undefined {
  const json = JSON.stringify(value);
  if (json === undefined || json.length > MAX_EXAMPLE_CHARS) return undefined;
  return JSON.parse(json) as JsonValue;
}

function operationFor(answer: ProbeAnswer): Operation {
  const operationId = answer.path === '/' ? 'get_root' : deriveOperationId('get', answer.path);
  const example = clippedExample(answer.json);
  return {
    operationId,
    method: 'get',
    path: answer.path,
    summary: `GET ${answer.path} (found by probing)`,
    parameters: [],
    responseSchema: inferJsonSchema([answer.json]),
    responses: [String(answer.status)],
    ...(example !== undefined ? { examples: { response: example } } : {}),
  };
}

export function apiFromProbes(baseUrl: string, answers: readonly ProbeAnswer[], name?: string): DiscoveredApi {
  const usable = answers.filter((answer) => answer.status >= 200 && answer.status < 300 && answer.json !== undefined);
  const operations = usable.map(operationFor);
  const host = new URL(baseUrl).hostname;
  return discoveredApiSchema.parse({
    name: apiNameFrom(name ?? host),
    title: name ?? host,
    version: '',
    source: 'probe',
    baseUrl: baseUrl.replace(/\/+$/, ''),
    auth: authFromAnswers(answers),
    operations,
    confidence: probeConfidence(answers.length, usable.length),
    prioritized: prioritizeOperations(operations),
  });
}
