/**
 * The base of every gaesession error, and the errors of the session model itself. Each package
 * owns its own codes, prefixed with its name (`CACHE_*` in @gaesession/cache, `QUEUE_*` in
 * @gaesession/queue, ...), in its own `errors.ts`; this one holds the `SESSION_*` codes. Callers
 * and tests branch on `code` (stable, documented) or on the type guards, never on message text.
 */

export interface SessionErrorOptions {
  /**
   * The HTTP status this error answers when it ends a request. Only errors that can answer a
   * request carry one; the rest answer 500 (see `errorAnswer`).
   */
  status?: number;
  cause?: unknown;
}

export class SessionError extends Error {
  /** Stable machine-readable code, prefixed with the owning package's name. */
  readonly code: string;
  /** The HTTP status this error maps to when it ends a request, when it can end one. */
  readonly status: number | undefined;

  constructor(code: string, message: string, options: SessionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
  }
}

/** The codes of this package. */
export type CoreErrorCode =
  | 'SESSION_INVALID_VALUE'
  | 'SESSION_INVALID_OPERATION'
  | 'SESSION_CONFLICT'
  | 'SESSION_GONE'
  | 'SESSION_TOO_LARGE'
  | 'SESSION_UNAVAILABLE'
  | 'SESSION_UNSUPPORTED'
  | 'SESSION_CONFIGURATION';

/** A value that cannot be stored in a session (not JSON-serializable). */
export class InvalidValueError extends SessionError {
  constructor(message: string) {
    super('SESSION_INVALID_VALUE', message, { status: 400 });
  }
}

/** An operation that does not fit the session's current state, e.g. incrementing a string. */
export class InvalidOperationError extends SessionError {
  constructor(message: string) {
    super('SESSION_INVALID_OPERATION', message, { status: 400 });
  }
}

/** Concurrent writers kept winning the compare-and-set until the retry budget ran out. */
export class SessionConflictError extends SessionError {
  constructor(key: string, attempts: number) {
    super('SESSION_CONFLICT', `session ${key}: gave up after ${attempts} conflicting writes`, { status: 503 });
  }
}

/** The session was destroyed or expired while this request was changing it. */
export class SessionGoneError extends SessionError {
  constructor(key: string) {
    super('SESSION_GONE', `session ${key} no longer exists (destroyed or expired)`, { status: 409 });
  }
}

/** The serialized session exceeds a storage limit; nothing was written. */
export class SessionTooLargeError extends SessionError {
  readonly size: number;
  readonly limit: number;

  constructor(what: string, size: number, limit: number) {
    super('SESSION_TOO_LARGE', `${what} is ${size} bytes, over the ${limit}-byte limit`, { status: 413 });
    this.size = size;
    this.limit = limit;
  }
}

/**
 * The session's newest state is not readable yet: the cache lost it and Datastore has not caught
 * up with the version the client last saw. Retry shortly; answering from the older state could
 * lose the newer change. A {@link SessionStore} may reject `load` with it.
 */
export class SessionUnavailableError extends SessionError {
  constructor(key: string, wanted: number, found: number) {
    super('SESSION_UNAVAILABLE', `session ${key}: version ${wanted} is not readable yet (Datastore has ${found})`, {
      status: 503,
    });
  }
}

/**
 * The store cannot do what was asked in the way it is set up, e.g. list a user's sessions without
 * an index of principals (a store without Datastore). Answers 501: no retry will help.
 */
export class UnsupportedError extends SessionError {
  constructor(message: string) {
    super('SESSION_UNSUPPORTED', message, { status: 501 });
  }
}

/** Options that cannot work together, found at construction time. */
export class ConfigurationError extends SessionError {
  constructor(message: string) {
    super('SESSION_CONFIGURATION', message);
  }
}

/** True when `error` is a {@link SessionError} (with `code`, when given). */
export function isSessionError(error: unknown, code?: string): error is SessionError {
  return error instanceof SessionError && (code === undefined || error.code === code);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
