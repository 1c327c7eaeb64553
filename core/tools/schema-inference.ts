/**
 * A JSON Schema that describes every sample given: used when an API has no document
 * and its responses are all we know. Deliberately modest: it states what all samples
 * agree on (types, keys present in every sample, formats every value matches) and
 * nothing a single odd sample would contradict.
 */
import type { JsonObject, JsonValue } from '../tasks/json.js';

/** Bounds that keep inference linear-ish and the schema readable on huge or deep responses. */
const LIMITS = { maxDepth: 10, maxValuesPerNode: 2000, maxProperties: 200, maxEnumValues: 5, maxEnumValueLength: 40 } as const;

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

function jsonTypeOf(value: unknown): JsonType | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isFinite(value) ? (Number.isInteger(value) ? 'integer' : 'number') : undefined;
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return undefined; // functions, undefined, symbols, bigints are not JSON
}

const STRING_FORMATS: ReadonlyArray<[string, RegExp]> = [
  ['date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/],
  ['date', /^\d{4}-\d{2}-\d{2}$/],
  ['email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['uri', /^https?:\/\/[^\s]+$/],
  ['uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
];

function inferString(values: string[]): JsonObject {
  const schema: JsonObject = { type: 'string' };
  const format = STRING_FORMATS.find(([, pattern]) => values.every((value) => pattern.test(value)));
  if (format) {
    schema.format = format[0];
    return schema;
  }
  // An enum only when values clearly repeat: a few distinct short strings seen several times each.
  const distinct = [...new Set(values)];
  const repeated = values.length >= 4 && distinct.length <= Math.min(LIMITS.maxEnumValues, Math.floor(values.length / 2));
  if (repeated && distinct.every((value) => value.length > 0 && value.length <= LIMITS.maxEnumValueLength)) {
    schema.enum = distinct.sort();
  }
  return schema;
}

function inferObject(values: Array<Record<string, unknown>>, depth: number): JsonObject {
  const valuesByKey = new Map<string, unknown[]>();
  for (const value of values) {
    for (const [key, property] of Object.entries(value)) {
      let bucket = valuesByKey.get(key);
      if (!bucket) {
        if (valuesByKey.size >= LIMITS.maxProperties) continue;
        bucket = [];
        valuesByKey.set(key, bucket);
      }
      bucket.push(property);
    }
  }
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const [key, bucket] of valuesByKey) {
    properties[key] = inferAt(bucket, depth + 1);
    if (bucket.length === values.length) required.push(key);
  }
  const schema: JsonObject = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  return schema;
}

function inferFor(type: JsonType, values: unknown[], depth: number): JsonObject {
  switch (type) {
    case 'string':
      return inferString(values as string[]);
    case 'array': {
      const items = (values as unknown[][]).flat().slice(0, LIMITS.maxValuesPerNode);
      return items.length > 0 ? { type: 'array', items: inferAt(items, depth + 1) } : { type: 'array' };
    }
    case 'object':
      return inferObject(values as Array<Record<string, unknown>>, depth);
    default:
      return { type };
  }
}

function inferAt(samples: readonly unknown[], depth: number): JsonObject {
  if (depth > LIMITS.maxDepth) return {};
  const byType = new Map<JsonType, unknown[]>();
  for (const sample of samples.slice(0, LIMITS.maxValuesPerNode)) {
    const type = jsonTypeOf(sample);
    if (type === undefined) continue;
    const bucket = byType.get(type);
    if (bucket) bucket.push(sample);
    else byType.set(type, [sample]);
  }
  // Integers are numbers: a field seen as 3 and 2.5 is a number.
  const integers = byType.get('integer');
  const numbers = byType.get('number');
  if (integers && numbers) {
    numbers.push(...integers);
    byType.delete('integer');
  }
  if (byType.size === 0) return {};
  const schemas = [...byType].map(([type, values]) => inferFor(type, values, depth));
  if (schemas.length === 1) return schemas[0] ?? {};
  // Several primitive types fold into one `type` list; anything structured keeps its own branch.
  const allPlain = schemas.every((schema) => Object.keys(schema).length === 1);
  if (allPlain) return { type: schemas.map((schema) => schema.type as JsonValue) };
  return { anyOf: schemas };
}

/** A JSON Schema (draft 2020-12 vocabulary) that every sample satisfies. No samples: `{}` (anything). */
export function inferJsonSchema(samples: readonly unknown[]): JsonObject {
  return inferAt(samples, 0);
}
