import { ApplicationFailure } from '@temporalio/activity';

/**
 * ARM failures as Temporal failures that say what was being done. Requests ARM refused on their merits (bad
 * input, missing resource, no permission) do not get better by retrying; throttling, conflicts with an operation
 * still running and server errors do, so Temporal retries those with its backoff.
 */
export function netAppFailure(action: string, error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (isRestError(error)) {
    const status = error.statusCode ?? 0;
    const message = `${action}: ARM answered ${status || 'no status'} ${error.code ?? ''}: ${armMessage(error)}`.replace(/\s+/g, ' ');
    if (status === 404) return ApplicationFailure.nonRetryable(message, 'NetAppResourceNotFound');
    if (status === 409) return ApplicationFailure.retryable(message, 'NetAppConflict');
    if (status === 408 || status === 429 || status >= 500 || status === 0) return ApplicationFailure.retryable(message, 'NetAppUnavailable');
    return ApplicationFailure.nonRetryable(message, 'NetAppRequestRejected');
  }
  const message = error instanceof Error ? error.message : String(error);
  // core-lro reports a failed long-running operation as a plain Error carrying ARM's code and message.
  if (message.startsWith('The long-running operation has failed')) return ApplicationFailure.nonRetryable(`${action}: ${message}`, 'NetAppOperationFailed');
  return ApplicationFailure.retryable(`${action}: ${message}`, 'NetAppError');
}

/** The Azure SDK's RestError, recognised by shape as core-lro does (its class comes from a transitive package). */
interface RestErrorLike extends Error {
  statusCode?: number;
  code?: string;
  details?: unknown;
}

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError';
}

/** ARM's own `{ error: { message } }` when the SDK kept it, else the SDK's message. */
function armMessage(error: RestErrorLike): string {
  const body = error.details;
  if (body && typeof body === 'object' && 'error' in body) {
    const inner: unknown = body.error;
    if (inner && typeof inner === 'object' && 'message' in inner && typeof inner.message === 'string') return inner.message;
  }
  return error.message;
}

export function isNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404;
}

export function isConflict(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 409;
}
