/**
 * The deterministic tool generator: one operation of a DiscoveredApi becomes a sandbox
 * tool (code + input schema + grants). Same API and operation in, same tool out, byte
 * for byte, so a regenerated tool has the same definition hash and is not a new version.
 *
 * The generated code is one fixed, reviewed body of JavaScript driven by an OPERATION
 * constant (the operation's description as JSON). Keeping the logic fixed and the
 * variation in data means every generated tool is as safe as the template, and the
 * template is checked by validateToolCode like any tool.
 *
 * Credentials never pass through the tool: when the API declares authentication and a
 * secret name is given, requests carry `auth: <secret name>` and the sandbox host adds
 * the credential. Inputs that would carry credentials (an Authorization header, the
 * API key's parameter) are left out of the input schema and never sent.
 */
import type { JsonObject, JsonValue } from '../tasks/json.js';
import type { DiscoveredApi, Operation, OperationParameter, Pagination } from './discovered-api.js';

export interface GenerateToolOptions {
  /** Default `<api.name>.<operationId>`. */
  toolName?: string;
  /** The credential the host injects; used only when the API declares authentication. */
  secretName?: string;
}

export interface GeneratedTool {
  name: string;
  description: string;
  code: string;
  entry: 'main';
  /** JSON Schema of the tool's input. */
  inputSchema: JsonObject;
  /** The API's origin, the only host the tool may reach. */
  allowedHosts: string[];
  level: 'RESTRICTED';
  operationId: string;
  api: string;
}

/** Input fields the generated tool reads besides the operation's parameters. */
const BODY_FIELD = 'body';
const ALL_PAGES_FIELD = 'all';
const MAX_PAGES_FIELD = 'maxPages';
export const DEFAULT_MAX_PAGES = 20;
export const MAX_PAGES_LIMIT = 100;

function carriesCredentials(api: DiscoveredApi, parameter: OperationParameter): boolean {
  const name = parameter.name.toLowerCase();
  if (parameter.in === 'header' && (name === 'authorization' || name === 'proxy-authorization' || name === 'cookie')) return true;
  return api.auth.type === 'apiKey' && api.auth.name !== undefined && api.auth.name.toLowerCase() === name && (api.auth.in ?? 'header') === parameter.in;
}

/**
 * Placeholders in the path that the description forgot to declare still need a value:
 * they become required string parameters, so the URL never goes out with `{id}` in it.
 */
function undeclaredPathParameters(operation: Operation): OperationParameter[] {
  const declared = new Set(operation.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name));
  const placeholders = [...operation.path.matchAll(/\{([^{}]+)\}/g)].map((match) => match[1] ?? '');
  return [...new Set(placeholders)]
    .filter((name) => name !== '' && !declared.has(name))
    .map((name) => ({ name, in: 'path' as const, required: true, schema: { type: 'string' } }));
}

/** Parameters the caller supplies (credentials excluded), without name clashes with the tool's own fields. */
function inputParameters(api: DiscoveredApi, operation: Operation): OperationParameter[] {
  const reserved = new Set([BODY_FIELD, ...(operation.pagination ? [ALL_PAGES_FIELD, MAX_PAGES_FIELD] : [])]);
  const seen = new Set<string>();
  return [...operation.parameters, ...undeclaredPathParameters(operation)].filter((parameter) => {
    if (carriesCredentials(api, parameter) || reserved.has(parameter.name) || seen.has(parameter.name)) return false;
    seen.add(parameter.name);
    return true;
  });
}

export function buildInputSchema(api: DiscoveredApi, operation: Operation): JsonObject {
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const parameter of inputParameters(api, operation)) {
    const schema: JsonObject = { ...parameter.schema };
    const where = `${parameter.in} parameter`;
    schema.description = parameter.description ? `${parameter.description} (${where})` : where;
    properties[parameter.name] = schema;
    if (parameter.required) required.push(parameter.name);
  }
  if (operation.requestBody) {
    properties[BODY_FIELD] = { ...operation.requestBody.schema, description: `request body (${operation.requestBody.contentType ?? 'application/json'})` };
    if (operation.requestBody.required) required.push(BODY_FIELD);
  }
  if (operation.pagination) {
    properties[ALL_PAGES_FIELD] = { type: 'boolean', description: 'follow the pages and return { data, pages } with every item' };
    properties[MAX_PAGES_FIELD] = { type: 'integer', minimum: 1, maximum: MAX_PAGES_LIMIT, description: `stop after this many pages (default ${DEFAULT_MAX_PAGES}); implies all` };
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

interface OperationConstant {
  [key: string]: JsonValue;
}

function operationConstant(api: DiscoveredApi, operation: Operation, toolName: string, secretName: string | undefined): OperationConstant {
  const parameters = inputParameters(api, operation);
  const names = (where: OperationParameter['in']): string[] => parameters.filter((parameter) => parameter.in === where).map((parameter) => parameter.name);
  const required = parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name);
  if (operation.requestBody?.required) required.push(BODY_FIELD);
  const pagination: Pagination | null = operation.pagination ?? null;
  return {
    tool: toolName,
    method: operation.method.toUpperCase(),
    baseUrl: api.baseUrl.replace(/\/+$/, ''),
    path: operation.path,
    pathParams: names('path'),
    queryParams: names('query'),
    headerParams: names('header'),
    required,
    body: operation.requestBody ? { contentType: operation.requestBody.contentType ?? 'application/json' } : null,
    auth: api.auth.type !== 'none' && secretName ? secretName : null,
    pagination: pagination as JsonObject | null,
  };
}

/** Text for a block comment: no comment terminator, no line breaks. */
function commentText(text: string): string {
  return text.replace(/\*\//g, '* /').replace(/[\r\n\u2028\u2029]+/g, ' ').slice(0, 300);
}

/*
 * The body every generated tool shares. It reads only OPERATION and its input, talks to
 * the network only through http.request inside try/catch, and returns parsed JSON (or
 * { data, pages } when asked to follow pages).
 */
const TOOL_BODY = String.raw`const MAX_ERROR_BODY_CHARS = 300;
const DEFAULT_MAX_PAGES = ${DEFAULT_MAX_PAGES};
const MAX_PAGES_LIMIT = ${MAX_PAGES_LIMIT};

function fail(message) {
  throw new Error(OPERATION.tool + ': ' + message);
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readInput(input) {
  const given = input === undefined || input === null ? {} : input;
  if (!isObject(given)) fail('input must be an object');
  for (const name of OPERATION.required) {
    const value = given[name];
    if (value === undefined || value === null || value === '') fail('missing required input "' + name + '"');
  }
  if (given.body !== undefined && OPERATION.body === null) fail('this operation takes no request body');
  if (given.body !== undefined && given.body !== null && typeof given.body !== 'object') fail('input.body must be an object or array');
  return given;
}

function scalar(name, value) {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => String(item)).join(',');
  fail('input "' + name + '" must be a string, number, boolean or a list of them');
}

function pickScalars(given, names) {
  const picked = {};
  for (const name of names) {
    const value = given[name];
    if (value !== undefined && value !== null) picked[name] = scalar(name, value);
  }
  return picked;
}

function buildPath(given) {
  let path = OPERATION.path;
  for (const name of OPERATION.pathParams) {
    path = path.split('{' + name + '}').join(encodeURIComponent(String(scalar(name, given[name]))));
  }
  return path;
}

function encodeForm(body) {
  const pairs = [];
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    pairs.push(encodeURIComponent(key) + '=' + encodeURIComponent(text));
  }
  return pairs.join('&');
}

function clip(text) {
  const body = typeof text === 'string' ? text : '';
  return body.length > MAX_ERROR_BODY_CHARS ? body.slice(0, MAX_ERROR_BODY_CHARS) + '...' : body;
}

async function send(given, pageQuery) {
  const request = {
    method: OPERATION.method,
    url: OPERATION.baseUrl + buildPath(given),
    headers: pickScalars(given, OPERATION.headerParams),
    query: Object.assign(pickScalars(given, OPERATION.queryParams), pageQuery),
  };
  if (OPERATION.body !== null && given.body !== undefined && given.body !== null) {
    if (/json/i.test(OPERATION.body.contentType)) {
      request.body = given.body;
    } else {
      request.headers['content-type'] = OPERATION.body.contentType;
      request.body = encodeForm(given.body);
    }
  }
  if (OPERATION.auth !== null) request.auth = OPERATION.auth;
  const what = OPERATION.method + ' ' + OPERATION.path;
  let response;
  try {
    response = await http.request(request);
  } catch (error) {
    const code = error && typeof error.code === 'string' ? ' [' + error.code + ']' : '';
    fail(what + ' could not be completed' + code + ': ' + (error && error.message ? error.message : String(error)));
  }
  if (response.status < 200 || response.status > 299) {
    fail(what + ' answered HTTP ' + response.status + ': ' + clip(response.body));
  }
  if (response.status === 204 || response.body === '') return null;
  try {
    return response.json();
  } catch (error) {
    fail(what + ' did not answer JSON: ' + clip(response.body));
  }
}

function field(value, name) {
  return isObject(value) && typeof name === 'string' ? value[name] : undefined;
}

function pageLimit(given) {
  if (given.maxPages === undefined) return DEFAULT_MAX_PAGES;
  const asked = Math.floor(Number(given.maxPages));
  return asked >= 1 ? Math.min(asked, MAX_PAGES_LIMIT) : 1;
}

async function sendAllPages(given) {
  const paging = OPERATION.pagination;
  const maxPages = pageLimit(given);
  const data = [];
  let pages = 0;
  let pageQuery = {};
  let page = Number(given[paging.pageParam]) || 1;
  let offset = Number(given[paging.offsetParam]) || 0;
  for (;;) {
    const answer = await send(given, pageQuery);
    pages += 1;
    const items = paging.itemsField ? field(answer, paging.itemsField) : answer;
    if (!Array.isArray(items)) fail('page ' + pages + ' has no list' + (paging.itemsField ? ' in "' + paging.itemsField + '"' : ''));
    for (const item of items) data.push(item);
    if (pages >= maxPages || items.length === 0) break;
    if (paging.hasMoreField && field(answer, paging.hasMoreField) !== true) break;
    pageQuery = {};
    if (paging.style === 'cursor') {
      const next = paging.nextCursorField ? field(answer, paging.nextCursorField) : field(items[items.length - 1], paging.cursorItemField);
      if (next === undefined || next === null || next === '') break;
      pageQuery[paging.cursorParam] = next;
    } else if (paging.style === 'page') {
      const perPage = Number(given[paging.perPageParam]);
      if (!paging.hasMoreField && perPage > 0 && items.length < perPage) break;
      page += 1;
      pageQuery[paging.pageParam] = page;
    } else {
      offset += items.length;
      const total = field(answer, paging.totalField);
      if (typeof total === 'number' && offset >= total) break;
      pageQuery[paging.offsetParam] = offset;
    }
  }
  return { data: data, pages: pages };
}

export async function main(input) {
  const given = readInput(input);
  if (OPERATION.pagination !== null && (given.all === true || given.maxPages !== undefined)) return sendAllPages(given);
  return send(given, {});
}
`;

export function generateTool(api: DiscoveredApi, operationId: string, options: GenerateToolOptions = {}): GeneratedTool {
  const operation = api.operations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`API ${api.name} has no operation ${operationId}`);
  const name = options.toolName ?? `${api.name}.${operation.operationId}`;
  const method = operation.method.toUpperCase();
  const constant = operationConstant(api, operation, name, options.secretName);
  const header = [
    '/*',
    ` * ${commentText(name)}: ${commentText(operation.summary ?? `${method} ${operation.path}`)}`,
    ` * ${method} ${commentText(operation.path)} of ${commentText(api.title)}; written by the deterministic tool generator.`,
    ' * Credentials are added by the sandbox host (auth: secret name); the tool never reads them from its input.',
    ' */',
  ].join('\n');
  const code = `${header}\nconst OPERATION = ${JSON.stringify(constant, null, 2)};\n\n${TOOL_BODY}`;
  const summary = operation.summary ? `${operation.summary.replace(/\s+/g, ' ').trim()} ` : '';
  return {
    name,
    description: `${summary}(${api.title}: ${method} ${operation.path})`.slice(0, 2000),
    code,
    entry: 'main',
    inputSchema: buildInputSchema(api, operation),
    allowedHosts: [new URL(api.baseUrl).origin],
    level: 'RESTRICTED',
    operationId: operation.operationId,
    api: api.name,
  };
}
