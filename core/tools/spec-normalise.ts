/**
 * OpenAPI 3.x and Swagger 2 documents (already parsed, validated and dereferenced)
 * turned into one DiscoveredApi shape, so everything downstream ignores which format
 * an API happened to publish.
 */
import type { JsonObject, JsonValue } from '../tasks/json.js';
import {
  apiNameFrom,
  discoveredApiSchema,
  HTTP_METHODS,
  normaliseOperationId,
  type ApiAuth,
  type DiscoveredApi,
  type HttpMethod,
  type Operation,
  type OperationParameter,
} from './discovered-api.js';
import { detectPagination } from './pagination.js';
import { prioritizeOperations, specConfidence } from './prioritize.js';
import { plainJson, schemaFrom } from './spec-schemas.js';

export interface SpecContext {
  /** Where the document came from: relative server URLs and a missing Swagger host resolve against it. */
  specUrl?: string;
  /** Use this base URL instead of the document's servers/host. */
  baseUrl?: string;
}

type Doc = Record<string, unknown>;

function record(value: unknown): Doc | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Doc) : undefined;
}
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function resolveUrl(url: string, against: string | undefined): string {
  try {
    return new URL(url, against).toString();
  } catch {
    throw new Error(`cannot resolve the API's base URL ${JSON.stringify(url)}${against ? ` against ${against}` : ' (no spec URL to resolve it against; pass baseUrl)'}`);
  }
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function checkHttpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`the API's base URL must be http(s), got ${url}`);
  return withoutTrailingSlash(parsed.toString());
}

function openApiBaseUrl(doc: Doc, context: SpecContext): string {
  if (context.baseUrl) return checkHttpUrl(context.baseUrl);
  const server = record(list(doc.servers)[0]);
  let url = text(server?.url) ?? '/';
  // Server variables take their documented defaults.
  for (const [name, variable] of Object.entries(record(server?.variables) ?? {})) {
    url = url.replaceAll(`{${name}}`, text(record(variable)?.default) ?? '');
  }
  return checkHttpUrl(resolveUrl(url, context.specUrl));
}

function swaggerBaseUrl(doc: Doc, context: SpecContext): string {
  if (context.baseUrl) return checkHttpUrl(context.baseUrl);
  const spec = context.specUrl ? new URL(context.specUrl) : undefined;
  const schemes = list(doc.schemes).filter((scheme): scheme is string => typeof scheme === 'string');
  const scheme = schemes.includes('https') ? 'https' : (schemes[0] ?? spec?.protocol.replace(':', '') ?? 'https');
  const host = text(doc.host) ?? spec?.host;
  if (!host) throw new Error('the Swagger document has no host and no spec URL to take it from; pass baseUrl');
  const basePath = text(doc.basePath) ?? '';
  return checkHttpUrl(`${scheme}://${host}${basePath.startsWith('/') || basePath === '' ? basePath : `/${basePath}`}`);
}

function authFromScheme(scheme: Doc | undefined): ApiAuth {
  if (!scheme) return { type: 'none' };
  const type = text(scheme.type);
  if (type === 'http') {
    const httpScheme = text(scheme.scheme)?.toLowerCase();
    return httpScheme === 'basic' ? { type: 'basic' } : { type: 'bearer' };
  }
  if (type === 'basic') return { type: 'basic' };
  if (type === 'oauth2' || type === 'openIdConnect') return { type: 'oauth2' };
  if (type === 'apiKey') {
    const name = text(scheme.name) ?? 'Authorization';
    const where = text(scheme.in) === 'query' ? 'query' : 'header';
    // Swagger 2 has no bearer type; an Authorization header key is how documents spell it.
    if (where === 'header' && name.toLowerCase() === 'authorization') return { type: 'bearer' };
    return { type: 'apiKey', in: where, name };
  }
  return { type: 'none' };
}

/** The scheme the document requires globally (first requirement), else the first one it defines. */
function documentAuth(doc: Doc, schemes: Doc | undefined): ApiAuth {
  if (!schemes) return { type: 'none' };
  const required = record(list(doc.security)[0]);
  const name = (required && Object.keys(required)[0]) ?? Object.keys(schemes)[0];
  return name ? authFromScheme(record(schemes[name])) : { type: 'none' };
}

/** Swagger 2 puts schema keywords on the parameter itself. */
function swaggerParameterSchema(parameter: Doc): JsonObject {
  const keys = ['type', 'format', 'items', 'enum', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern'];
  const schema: Doc = {};
  for (const key of keys) if (parameter[key] !== undefined) schema[key] = parameter[key];
  return schemaFrom(schema);
}

function mergeParameters(pathLevel: unknown[], operationLevel: unknown[]): Doc[] {
  const merged = new Map<string, Doc>();
  for (const parameter of [...pathLevel, ...operationLevel]) {
    const doc = record(parameter);
    if (doc) merged.set(`${text(doc.in)}:${text(doc.name)}`, doc);
  }
  return [...merged.values()];
}

function toParameter(doc: Doc, swagger: boolean): OperationParameter | undefined {
  const where = text(doc.in);
  const name = text(doc.name);
  if (!name || (where !== 'path' && where !== 'query' && where !== 'header')) return undefined;
  const description = text(doc.description);
  return {
    name,
    in: where,
    required: where === 'path' || doc.required === true,
    schema: swagger ? swaggerParameterSchema(doc) : schemaFrom(doc.schema),
    ...(description ? { description: description.slice(0, 2000) } : {}),
  };
}

const JSON_TYPE = /json/i;

function pickContent(content: Doc | undefined): { type: string; media: Doc } | undefined {
  if (!content) return undefined;
  const types = Object.keys(content);
  const type = types.find((candidate) => JSON_TYPE.test(candidate)) ?? types[0];
  const media = type ? record(content[type]) : undefined;
  return type && media ? { type, media } : undefined;
}

function mediaExample(media: Doc): JsonValue | undefined {
  if (media.example !== undefined) return plainJson(media.example, new Set(), 0);
  const first = record(Object.values(record(media.examples) ?? {})[0]);
  return first?.value !== undefined ? plainJson(first.value, new Set(), 0) : undefined;
}

function successCodes(responses: Doc): string[] {
  return Object.keys(responses).filter((code) => /^2\d\d$|^2XX$/i.test(code)).sort();
}

function openApiOperation(method: HttpMethod, path: string, pathItem: Doc, op: Doc): Operation {
  const parameters = mergeParameters(list(pathItem.parameters), list(op.parameters))
    .map((doc) => toParameter(doc, false))
    .filter((parameter): parameter is OperationParameter => parameter !== undefined);
  const operation = baseOperation(method, path, op, parameters);
  const body = record(op.requestBody);
  const requestContent = pickContent(record(body?.content));
  if (body && requestContent) {
    operation.requestBody = { required: body.required === true, schema: schemaFrom(requestContent.media.schema), contentType: requestContent.type };
  }
  const responses = record(op.responses) ?? {};
  const codes = successCodes(responses);
  operation.responses = codes;
  const responseContent = codes.map((code) => pickContent(record(record(responses[code])?.content))).find((content) => content?.media.schema !== undefined);
  if (responseContent) operation.responseSchema = schemaFrom(responseContent.media.schema);
  const requestExample = requestContent ? mediaExample(requestContent.media) : undefined;
  const responseExample = responseContent ? mediaExample(responseContent.media) : undefined;
  if (requestExample !== undefined || responseExample !== undefined) {
    operation.examples = { ...(requestExample !== undefined ? { request: requestExample } : {}), ...(responseExample !== undefined ? { response: responseExample } : {}) };
  }
  return finishOperation(operation);
}

function swaggerOperation(method: HttpMethod, path: string, pathItem: Doc, op: Doc, doc: Doc): Operation {
  const all = mergeParameters(list(pathItem.parameters), list(op.parameters));
  const parameters = all.map((parameter) => toParameter(parameter, true)).filter((parameter): parameter is OperationParameter => parameter !== undefined);
  const operation = baseOperation(method, path, op, parameters);
  const consumes = list(op.consumes ?? doc.consumes).filter((type): type is string => typeof type === 'string');
  const bodyParameter = all.find((parameter) => parameter.in === 'body');
  const formFields = all.filter((parameter) => parameter.in === 'formData');
  if (bodyParameter) {
    const contentType = consumes.find((type) => JSON_TYPE.test(type)) ?? consumes[0] ?? 'application/json';
    operation.requestBody = { required: bodyParameter.required === true, schema: schemaFrom(bodyParameter.schema), contentType };
  } else if (formFields.length > 0) {
    // Form fields become one object schema, the shape OpenAPI 3 gives the same body.
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const field of formFields) {
      const name = text(field.name);
      if (!name) continue;
      properties[name] = swaggerParameterSchema(field);
      if (field.required === true) required.push(name);
    }
    const contentType = consumes.find((type) => /form/.test(type)) ?? 'application/x-www-form-urlencoded';
    operation.requestBody = { required: required.length > 0, schema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) }, contentType };
  }
  const responses = record(op.responses) ?? {};
  const codes = successCodes(responses);
  operation.responses = codes;
  const documented = codes.map((code) => record(responses[code])).find((response) => response?.schema !== undefined);
  if (documented) operation.responseSchema = schemaFrom(documented.schema);
  const example = documented ? record(documented.examples) : undefined;
  const exampleValue = example ? Object.entries(example).find(([type]) => JSON_TYPE.test(type))?.[1] : undefined;
  if (exampleValue !== undefined) operation.examples = { response: plainJson(exampleValue, new Set(), 0) };
  return finishOperation(operation);
}

function baseOperation(method: HttpMethod, path: string, op: Doc, parameters: OperationParameter[]): Operation {
  const summary = text(op.summary) ?? text(op.description);
  const tags = list(op.tags).filter((tag): tag is string => typeof tag === 'string');
  return {
    operationId: normaliseOperationId(text(op.operationId), method, path),
    method,
    path,
    ...(summary ? { summary: summary.slice(0, 2000) } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    parameters,
  };
}

function finishOperation(operation: Operation): Operation {
  const pagination = detectPagination(operation.method, operation.parameters, operation.responseSchema);
  return pagination ? { ...operation, pagination } : operation;
}

/** Ids must be unique for tool names; a duplicate gets a numeric suffix in document order. */
function uniqueIds(operations: Operation[]): Operation[] {
  const seen = new Map<string, number>();
  return operations.map((operation) => {
    const count = seen.get(operation.operationId) ?? 0;
    seen.set(operation.operationId, count + 1);
    return count === 0 ? operation : { ...operation, operationId: `${operation.operationId}_${count + 1}` };
  });
}

export function normaliseSpec(document: unknown, context: SpecContext = {}): DiscoveredApi {
  const doc = record(document);
  if (!doc) throw new Error('the API description is not a JSON/YAML object');
  const isOpenApi = typeof doc.openapi === 'string' && doc.openapi.startsWith('3.');
  const isSwagger = doc.swagger === '2.0';
  if (!isOpenApi && !isSwagger) throw new Error('the API description is neither OpenAPI 3.x nor Swagger 2.0');

  const info = record(doc.info) ?? {};
  const title = text(info.title) ?? 'API';
  const baseUrl = isOpenApi ? openApiBaseUrl(doc, context) : swaggerBaseUrl(doc, context);
  const schemes = isOpenApi ? record(record(doc.components)?.securitySchemes) : record(doc.securityDefinitions);

  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(record(doc.paths) ?? {})) {
    const pathItem = record(item);
    if (!pathItem || !path.startsWith('/')) continue;
    for (const method of HTTP_METHODS) {
      const op = record(pathItem[method]);
      if (!op) continue;
      operations.push(isOpenApi ? openApiOperation(method, path, pathItem, op) : swaggerOperation(method, path, pathItem, op, doc));
    }
  }
  const unique = uniqueIds(operations);
  return discoveredApiSchema.parse({
    name: apiNameFrom(title),
    title: title.slice(0, 500),
    version: (text(info.version) ?? '').slice(0, 100),
    source: isOpenApi ? 'openapi3' : 'swagger2',
    baseUrl,
    auth: documentAuth(doc, schemes),
    operations: unique,
    confidence: specConfidence(unique),
    prioritized: prioritizeOperations(unique),
  });
}
