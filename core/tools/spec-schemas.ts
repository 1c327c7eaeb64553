/**
 * Schemas out of API documents, made fit to travel and to validate with: plain acyclic
 * JSON (dereferenced documents share and loop objects) in JSON Schema's own dialect.
 */
import type { JsonObject, JsonValue } from '../tasks/json.js';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const SCHEMA_DEPTH_LIMIT = 12;

/**
 * A dereferenced document shares schema objects and may be circular (a customer that
 * lists customers). The copy is plain, acyclic JSON: a schema met again on its own
 * path becomes `{}` with a note, and very deep nesting is cut.
 */
export function plainSchema(value: unknown, path: Set<unknown> = new Set(), depth = 0): JsonObject {
  const copied = plainJson(value, path, depth);
  return record(copied) ? (copied as JsonObject) : {};
}

/** Keywords that hold one schema, a list of schemas, or a map of them. */
const SUBSCHEMA_KEYWORDS = { one: ['items', 'additionalProperties', 'not', 'contains'], list: ['allOf', 'anyOf', 'oneOf', 'prefixItems'], map: ['properties', 'patternProperties'] } as const;
/** OpenAPI/Swagger-only keywords a JSON Schema validator does not know. */
const SPEC_ONLY_KEYWORDS = ['xml', 'externalDocs', 'discriminator', 'collectionFormat', 'nullable', 'example'];

/**
 * OpenAPI's schema dialect as plain JSON Schema, so the schemas can be handed to any
 * validator: `nullable: true` becomes a `null` in `type`, `example` becomes `examples`,
 * and keywords only the API formats know are dropped. Walks schema positions only, so a
 * property that happens to be called `example` is kept.
 */
export function toJsonSchema(schema: JsonObject): JsonObject {
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SPEC_ONLY_KEYWORDS.includes(key)) continue;
    converted[key] = value;
  }
  if (schema.nullable === true && typeof schema.type === 'string') converted.type = [schema.type, 'null'];
  if (schema.type === 'file') converted.type = 'string';
  if (schema.example !== undefined && converted.examples === undefined) converted.examples = [schema.example];
  const asSchema = (value: JsonValue | undefined): JsonValue | undefined => (record(value) ? toJsonSchema(value as JsonObject) : value);
  for (const key of SUBSCHEMA_KEYWORDS.one) if (converted[key] !== undefined) converted[key] = asSchema(converted[key]) ?? null;
  for (const key of SUBSCHEMA_KEYWORDS.list) {
    const items = converted[key];
    if (Array.isArray(items)) converted[key] = items.map((item) => asSchema(item) ?? null);
  }
  for (const key of SUBSCHEMA_KEYWORDS.map) {
    const entries = record(converted[key]);
    if (entries) converted[key] = Object.fromEntries(Object.entries(entries).map(([name, item]) => [name, asSchema(item as JsonValue) ?? null]));
  }
  return converted;
}

/** A schema from the document: plain, acyclic, and in JSON Schema's dialect. */
export function schemaFrom(value: unknown): JsonObject {
  return toJsonSchema(plainSchema(value));
}

export function plainJson(value: unknown, path: Set<unknown>, depth: number): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return null;
  if (path.has(value)) return { description: 'recursive schema (not expanded)' };
  if (depth > SCHEMA_DEPTH_LIMIT) return {};
  path.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => plainJson(item, path, depth + 1));
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined && !key.startsWith('x-')) copy[key] = plainJson(item, path, depth + 1);
    }
    return copy;
  } finally {
    path.delete(value);
  }
}
