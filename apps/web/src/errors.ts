import { SessionError } from '@gaesession/core';

/** The codes of the demo's JSON API. */
export type WebErrorCode = 'NO_SESSION' | 'BAD_BODY';

/**
 * A request the API refuses, answered with `status` and `code` by the app's one error handler
 * (`errorHandler` of @gaesession/core), like every other error.
 */
export class ApiError extends SessionError {
  constructor(status: number, code: WebErrorCode, message: string) {
    super(code, message, { status });
  }
}

/** A request that needs a session and has none. */
export function noSession(): ApiError {
  return new ApiError(401, 'NO_SESSION', 'log in first (POST /api/login)');
}
