/**
 * Which operations of an API are most useful to turn into tools first, and how far the
 * description can be trusted.
 *
 * Heuristic (a score per operation, higher first):
 * - reading comes before writing: list operations (GET without path parameters that
 *   return a collection or page) 40, reads of one resource (GET with path parameters)
 *   30, creates (POST) 20, updates (PUT/PATCH) 10, deletes and anything else 0;
 * - a documented response schema +10 (the tool's output can be checked), a summary
 *   +3, tags +2;
 * - every required parameter −4 (each is something the caller must already know).
 * Ties go to the shorter path, then the operation id, so the order is stable.
 */
import type { Operation } from './discovered-api.js';

function baseScore(operation: Operation): number {
  const hasPathParameters = operation.parameters.some((parameter) => parameter.in === 'path');
  switch (operation.method) {
    case 'get': {
      const returnsCollection = operation.pagination !== undefined || operation.responseSchema?.type === 'array' || /list|search/i.test(operation.operationId);
      if (!hasPathParameters || returnsCollection) return hasPathParameters ? 35 : 40;
      return 30;
    }
    case 'post':
      return 20;
    case 'put':
    case 'patch':
      return 10;
    default:
      return 0;
  }
}

export function usefulnessScore(operation: Operation): number {
  const required = operation.parameters.filter((parameter) => parameter.required).length + (operation.requestBody?.required ? 1 : 0);
  return (
    baseScore(operation) +
    (operation.responseSchema ? 10 : 0) +
    (operation.summary ? 3 : 0) +
    ((operation.tags?.length ?? 0) > 0 ? 2 : 0) -
    4 * required
  );
}

export function prioritizeOperations(operations: readonly Operation[]): string[] {
  return [...operations]
    .sort((a, b) => usefulnessScore(b) - usefulnessScore(a) || a.path.length - b.path.length || a.operationId.localeCompare(b.operationId))
    .map((operation) => operation.operationId);
}

/**
 * A description from a document: 0.8 with no response schemas up to 0.95 when every
 * operation documents its response (what the tools return is then known, not guessed).
 */
export function specConfidence(operations: readonly Operation[]): number {
  if (operations.length === 0) return 0.5;
  const documented = operations.filter((operation) => operation.responseSchema !== undefined).length / operations.length;
  return round(0.8 + 0.15 * documented);
}

/**
 * A description from probing: 0.4 for a base URL that merely answered, up to 0.7 when
 * every probed path answered with JSON whose schema could be inferred.
 */
export function probeConfidence(probed: number, answeredWithJson: number): number {
  if (probed === 0 || answeredWithJson === 0) return 0.4;
  return round(0.4 + 0.3 * Math.min(1, answeredWithJson / probed));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
