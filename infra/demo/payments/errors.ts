import type { ErrorBody } from './schemas.js';

type ErrorType = ErrorBody['error']['type'];

/** A refusal the client can act on: its status, Stripe-like type, and the parameter at fault when there is one. */
export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }

  toBody(): ErrorBody {
    return { error: { type: this.type, message: this.message, ...(this.param ? { param: this.param } : {}) } };
  }
}

export function noSuch(kind: string, id: string, param = 'id'): DemoApiError {
  return new DemoApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, param);
}
