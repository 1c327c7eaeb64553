import type { ErrorResponse } from '../errors.js';
import { errorResponse } from '../errors.js';

export interface ApiTarget {
  baseUrl: string;
  apiKey: string;
}

export type ApiAnswer = { ok: true; status: number; body: unknown } | { ok: false; status: number; error: ErrorResponse['error'] };

/** One call to the ANTS HTTP API; non-2xx answers come back as the API's uniform error, never as a throw. */
export async function callApi(target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(new URL(path, target.baseUrl), {
    method,
    headers: { authorization: `Bearer ${target.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return { ok: true, status: response.status, body: parsed };
  const error = errorResponse.safeParse(parsed);
  return {
    ok: false,
    status: response.status,
    error: error.success ? error.data.error : { code: `http_${response.status}`, message: text.slice(0, 500) || response.statusText },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
