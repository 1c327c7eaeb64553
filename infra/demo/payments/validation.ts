import type { z } from 'zod';
import { DemoApiError } from './errors.js';

/** `metadata.invoice` → `metadata[invoice]`: how form-style APIs name nested parameters, and what clients expect. */
function parameterName(path: readonly PropertyKey[]): string | undefined {
  const [head, ...rest] = path.map(String);
  return head === undefined ? undefined : `${head}${rest.map((part) => `[${part}]`).join('')}`;
}

/** Parses one part of a request, or refuses it with a 400 naming the first parameter at fault. */
export function parseRequestPart<T extends z.ZodType>(schema: T, value: unknown, part: 'query' | 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new DemoApiError(400, 'invalid_request_error', `Invalid ${part}`);
  if (issue.code === 'unrecognized_keys') {
    const param = parameterName([...issue.path, issue.keys[0] ?? '']);
    throw new DemoApiError(400, 'invalid_request_error', `Received unknown parameter: ${param}`, param);
  }
  const param = parameterName(issue.path);
  if (param === undefined) {
    const what = part === 'body' ? 'The request body must be a JSON object (Content-Type: application/json)' : 'Invalid query string';
    throw new DemoApiError(400, 'invalid_request_error', `${what}: ${issue.message}`);
  }
  throw new DemoApiError(400, 'invalid_request_error', `Invalid ${param}: ${issue.message}`, param);
}
