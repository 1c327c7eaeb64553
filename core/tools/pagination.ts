/**
 * Recognising how a list operation pages, from its query parameters and the response
 * schema's top-level fields. Only what the description shows is used: a `cursor`
 * parameter alone, without a field that says where the next page starts or whether
 * there is one, is not enough to follow pages safely.
 */
import type { JsonObject, JsonValue } from '../tasks/json.js';
import type { OperationParameter, Pagination } from './discovered-api.js';

const LIMIT_PARAMS = ['limit', 'per_page', 'perPage', 'page_size', 'pageSize', 'max_results', 'maxResults', 'count', 'size'];
/** Parameters that take "the id of the last item seen" (the next cursor is read from the last item). */
const AFTER_ID_PARAMS = ['starting_after', 'startingAfter', 'after', 'after_id', 'afterId', 'since_id'];
const CURSOR_PARAMS = ['cursor', 'next_cursor', 'page_token', 'pageToken', 'continuation_token', 'continuationToken', 'next_token', 'nextToken', 'next'];
const PAGE_PARAMS = ['page', 'page_number', 'pageNumber'];
const OFFSET_PARAMS = ['offset', 'skip', 'start'];

const ITEMS_FIELDS = ['data', 'items', 'results', 'records', 'entries', 'values', 'list'];
const HAS_MORE_FIELDS = ['has_more', 'hasMore', 'has_next', 'hasNext', 'more'];
const NEXT_CURSOR_FIELDS = ['next_cursor', 'nextCursor', 'next_page_token', 'nextPageToken', 'next_token', 'nextToken', 'cursor', 'continuation_token'];
const TOTAL_FIELDS = ['total', 'total_count', 'totalCount', 'count'];

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function responseProperties(responseSchema: JsonObject | undefined): JsonObject {
  if (!responseSchema) return {};
  const properties = responseSchema.properties;
  return isObject(properties) ? properties : {};
}

function firstPresent(candidates: readonly string[], present: ReadonlySet<string>): string | undefined {
  return candidates.find((name) => present.has(name));
}

function isArraySchema(schema: JsonValue | undefined): boolean {
  return isObject(schema) && (schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')) || schema.items !== undefined);
}

/** The response field holding the items: a conventional name when it is an array, else the only array field. */
export function findItemsField(responseSchema: JsonObject | undefined): string | undefined {
  const properties = responseProperties(responseSchema);
  const arrays = Object.keys(properties).filter((key) => isArraySchema(properties[key]));
  return ITEMS_FIELDS.find((name) => arrays.includes(name)) ?? (arrays.length === 1 ? arrays[0] : undefined);
}

export function detectPagination(method: string, parameters: readonly OperationParameter[], responseSchema: JsonObject | undefined): Pagination | undefined {
  if (method !== 'get') return undefined;
  const query = new Set(parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
  const fields = new Set(Object.keys(responseProperties(responseSchema)));
  const itemsField = findItemsField(responseSchema);
  const limitParam = firstPresent(LIMIT_PARAMS, query);
  const hasMoreField = firstPresent(HAS_MORE_FIELDS, fields);
  const nextCursorField = firstPresent(NEXT_CURSOR_FIELDS, fields);
  const totalField = firstPresent(TOTAL_FIELDS, fields);
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

  const afterIdParam = firstPresent(AFTER_ID_PARAMS, query);
  if (afterIdParam && itemsField && (hasMoreField || nextCursorField)) {
    return {
      style: 'cursor',
      cursorParam: afterIdParam,
      ...optional('limitParam', limitParam),
      itemsField,
      ...optional('hasMoreField', hasMoreField),
      ...(nextCursorField ? { nextCursorField } : { cursorItemField: 'id' }),
    };
  }
  const cursorParam = firstPresent(CURSOR_PARAMS, query);
  if (cursorParam && nextCursorField) {
    return {
      style: 'cursor',
      cursorParam,
      ...optional('limitParam', limitParam),
      ...optional('itemsField', itemsField),
      ...optional('hasMoreField', hasMoreField),
      nextCursorField,
    };
  }
  const pageParam = firstPresent(PAGE_PARAMS, query);
  if (pageParam && itemsField) {
    return { style: 'page', pageParam, ...optional('perPageParam', limitParam), itemsField, ...optional('hasMoreField', hasMoreField), ...optional('totalField', totalField) };
  }
  const offsetParam = firstPresent(OFFSET_PARAMS, query);
  if (offsetParam && limitParam && itemsField) {
    return { style: 'offset', offsetParam, limitParam, itemsField, ...optional('hasMoreField', hasMoreField), ...optional('totalField', totalField) };
  }
  return undefined;
}
