/**
 * One error hierarchy for every gaesession package. Callers and tests branch on
 * `code` (stable, documented) or on the type guards, never on message text.
 */
export type SessionErrorCode =
  | 'INVALID_VALUE'
  | 'INVALID_OPERATION'
  | 'SESSION_CONFLICT'
  | 'SESSION_GONE'
  | 'SESSION_UNAVAILABLE'
  | 'SESSION_TOO_LARGE'
  | 'CACHE_UNAVAILABLE'
  | 'CACHE_KEY_INVALID'
  | 'QUEUE_UNAVAILABLE'
  | 'DATASTORE_UNAVAILABLE'
  | 'INVALID_CURSOR'
  | 'CORRUPT_ENTITY'
  | 'INVALID_EVENT'
  | 'EVENT_TOO_LARGE'
  | 'CONFIGURATION'
  | 'DELIVERY_FAILED'
  | 'FORBIDDEN'
  | 'WORKER_STOPPING'
  | 'BUNDLE_FAILED';

export interface SessionErrorOptions {
  cause?: unknown;
}

export class SessionError extends Error {
  /** Stable machine-readable code. */
  readonly code: SessionErrorCode;
  /** The HTTP status this error maps to when it ends a request. */
  readonly status: number;

  constructor(code: SessionErrorCode, message: string, status = 500, options: SessionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** A value that cannot be stored in a session (not JSON-serializable). */
export class InvalidValueError extends SessionError {
  constructor(message: string) {
    super('INVALID_VALUE', message, 400);
  }
}

/** An operation that does not fit the session's current state, e.g. incrementing a string. */
export class InvalidOperationError extends SessionError {
  constructor(message: string) {
    super('INVALID_OPERATION', message, 400);
  }
}

/** Concurrent writers kept winning the compare-and-set until the retry budget ran out. */
export class SessionConflictError extends SessionError {
  constructor(key: string, attempts: number) {
    super('SESSION_CONFLICT', `session ${key}: gave up after ${attempts} conflicting writes`, 503);
  }
}

/** The session was destroyed or expired while this request was changing it. */
export class SessionGoneError extends SessionError {
  constructor(key: string) {
    super('SESSION_GONE', `session ${key} no longer exists (destroyed or expired)`, 409);
  }
}

/** The serialized session exceeds a storage limit; nothing was written. */
export class SessionTooLargeError extends SessionError {
  readonly size: number;
  readonly limit: number;

  constructor(what: string, size: number, limit: number) {
    super('SESSION_TOO_LARGE', `${what} is ${size} bytes, over the ${limit}-byte limit`, 413);
    this.size = size;
    this.limit = limit;
  }
}

/** Options that cannot work together, found at construction time. */
export class ConfigurationError extends SessionError {
  constructor(message: string) {
    super('CONFIGURATION', message, 500);
  }
}

export function isSessionError(error: unknown, code?: SessionErrorCode): error is SessionError {
  return error instanceof SessionError && (code === undefined || error.code === code);
}
