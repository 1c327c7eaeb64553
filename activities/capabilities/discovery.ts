/**
 * API discovery: from an OpenAPI 3 / Swagger 2 document, or by probing a live base URL
 * when there is none. Both produce a DiscoveredApi (core/tools/discovered-api.ts).
 *
 * The document is fetched here, with our limits, and handed to swagger-parser through
 * a resolver that serves only that text: the parser itself never touches the network
 * or the file system, so a `$ref` to another URL or a local file is refused instead
 * of followed.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { z } from 'zod';
import type { DiscoveredApi } from '../../core/tools/discovered-api.js';
import { apiFromProbes, COMMON_PROBE_PATHS, linkedPaths, type ProbeAnswer } from '../../core/tools/probe-results.js';
import { normaliseSpec } from '../../core/tools/spec-normalise.js';
import { parseInput } from '../../core/validation.js';
import { fetchBounded, requireHttpUrl, type FetchLimits, type UrlCheck } from './bounded-fetch.js';

const httpUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      return /^https?:$/.test(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'an http(s) URL');

const headersSchema = z.record(z.string().min(1).max(200), z.string().max(8000)).optional();
/** Vetoes URLs (the first and every redirect target), e.g. ones that resolve to private addresses. */
const urlCheckSchema = z.custom<UrlCheck>((value) => typeof value === 'function', 'a function (url) => refusal | undefined').optional();
const pinSchema = z.custom<NonNullable<FetchLimits['pin']>>((value) => typeof value === 'function', 'a function (url) => the address to connect to').optional();

const specOptionsSchema = z
  .object({
    /** Use this base URL instead of the document's servers/host. */
    baseUrl: httpUrl.optional(),
    headers: headersSchema,
    checkUrl: urlCheckSchema,
    pin: pinSchema,
    timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    maxBytes: z.number().int().min(1024).max(20 * 1024 * 1024).default(5 * 1024 * 1024),
  })
  .strict();
export type DiscoverFromSpecOptions = z.input<typeof specOptionsSchema>;

const specSourceSchema = z.union([httpUrl, z.record(z.string(), z.unknown())]);

const probeOptionsSchema = z
  .object({
    /** Paths (relative to the base URL) to GET; default: those an index response links to, else a few common ones. */
    paths: z.array(z.string().regex(/^\/[^\s]*$/, 'a path starting with /').max(300)).max(50).optional(),
    headers: headersSchema,
    checkUrl: urlCheckSchema,
    pin: pinSchema,
    /** The API's name; default derived from the host. */
    name: z.string().min(1).max(100).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    maxBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
    maxPaths: z.number().int().min(1).max(50).default(20),
  })
  .strict();
export type DiscoverByProbingOptions = z.input<typeof probeOptionsSchema>;

function fetchLimits(settings: { timeoutMs: number; maxBytes: number; checkUrl?: UrlCheck | undefined; pin?: FetchLimits['pin'] | undefined }): FetchLimits {
  return { timeoutMs: settings.timeoutMs, maxBytes: settings.maxBytes, ...(settings.checkUrl ? { checkUrl: settings.checkUrl } : {}), ...(settings.pin ? { pin: settings.pin } : {}) };
}

/**
 * The name the parser knows the fetched text by. Not the real URL on purpose: given an
 * http(s) path, swagger-parser rewrites relative OpenAPI `servers` against it and
 * loses the port; normaliseSpec resolves them against the real URL instead.
 */
const FETCHED_SPEC_PATH = 'fetched-spec:document';

/** Parses, validates and dereferences; the error names where the document came from. */
async function dereferenceSpec(source: { text: string } | { document: Record<string, unknown> }, where: string): Promise<unknown> {
  const offline = { file: false, http: false } as const;
  try {
    if ('document' in source) {
      // The parser rewrites the object it is given; the caller's stays untouched.
      const copy = structuredClone(source.document) as unknown as Parameters<typeof SwaggerParser.validate>[0];
      return await SwaggerParser.validate(copy, { resolve: { ...offline, external: false } });
    }
    const only = { order: 1, canRead: (file: { url: string }) => file.url === FETCHED_SPEC_PATH, read: () => source.text };
    return await SwaggerParser.validate(FETCHED_SPEC_PATH, { resolve: { ...offline, external: true, fetched: only } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid API description ${where}: ${message.split('\n').slice(0, 6).join(' ').slice(0, 1500)}`);
  }
}

/**
 * An API from its OpenAPI 3.x or Swagger 2 description: a URL to fetch (JSON or YAML)
 * or the document itself. The document must validate against its specification.
 */
export async function discoverFromSpec(specUrlOrDocument: string | Record<string, unknown>, options: DiscoverFromSpecOptions = {}): Promise<DiscoveredApi> {
  const source = parseInput(specSourceSchema, specUrlOrDocument, 'API description source');
  const settings = parseInput(specOptionsSchema, options, 'discovery options');
  if (typeof source !== 'string') {
    const document = await dereferenceSpec({ document: source }, '(document given inline)');
    return normaliseSpec(document, settings.baseUrl ? { baseUrl: settings.baseUrl } : {});
  }
  const specUrl = requireHttpUrl(source).toString();
  const limits = fetchLimits(settings);
  const response = await fetchBounded(specUrl, settings.headers ?? {}, limits);
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`could not fetch the API description at ${specUrl}: HTTP ${response.status}`);
  }
  const document = await dereferenceSpec({ text: response.text }, `at ${specUrl}`);
  return normaliseSpec(document, { specUrl: response.url || specUrl, ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}) });
}

function joinUrl(baseUrl: string, path: string): string {
  return path === '/' ? baseUrl : `${baseUrl.replace(/\/+$/, '')}${path}`;
}

async function probe(baseUrl: string, path: string, headers: Record<string, string>, limits: FetchLimits): Promise<ProbeAnswer> {
  const response = await fetchBounded(joinUrl(baseUrl, path), headers, limits);
  const answer: ProbeAnswer = { path, status: response.status };
  const challenge = response.headers.get('www-authenticate');
  if (challenge) answer.wwwAuthenticate = challenge;
  if (/json/i.test(response.headers.get('content-type') ?? '') || /^\s*[[{]/.test(response.text)) {
    try {
      answer.json = JSON.parse(response.text) as unknown;
    } catch {
      // Not JSON after all: the path answered, but there is no schema to infer.
    }
  }
  return answer;
}

/**
 * An API without a description: GET the base URL and candidate paths, infer response
 * schemas from the JSON that comes back, and authentication from 401 challenges.
 * The base URL must answer; candidate paths that fail are simply not operations.
 */
export async function discoverByProbing(baseUrl: string, options: DiscoverByProbingOptions = {}): Promise<DiscoveredApi> {
  const base = parseInput(httpUrl, baseUrl, 'base URL').replace(/\/+$/, '');
  const settings = parseInput(probeOptionsSchema, options, 'probing options');
  const headers = settings.headers ?? {};
  const limits = fetchLimits(settings);

  const root = await probe(base, '/', headers, limits);
  const candidates = settings.paths ?? (root.json !== undefined ? linkedPaths(root.json, base, settings.maxPaths) : []);
  const paths = (candidates.length > 0 || settings.paths ? candidates : COMMON_PROBE_PATHS).slice(0, settings.maxPaths);

  const answers: ProbeAnswer[] = [root];
  // One at a time: probing is a handful of requests, and a polite client does not burst an unknown API.
  for (const path of [...new Set(paths)].filter((candidate) => candidate !== '/')) {
    try {
      answers.push(await probe(base, path, headers, limits));
    } catch {
      answers.push({ path, status: 0 });
    }
  }
  return apiFromProbes(base, answers, settings.name);
}
