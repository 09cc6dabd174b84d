import { SessionError } from '@gaesession/core';

/** The codes of this package. */
export type PersistenceErrorCode = 'DATASTORE_UNAVAILABLE' | 'DATASTORE_INVALID_CURSOR' | 'DATASTORE_CORRUPT_ENTITY';

/** Why Datastore could not be used: it did not answer, or transactions kept colliding. */
export type UnavailableReason = 'unreachable' | 'contention';

/**
 * Datastore did not answer (or kept aborting the transaction on contention) through every retry.
 * Nothing was acknowledged: the caller may retry the whole operation later.
 */
export class DatastoreUnavailableError extends SessionError {
  readonly reason: UnavailableReason;
  /** Attempts made, including the first. */
  readonly attempts: number;

  constructor(operation: string, reason: UnavailableReason, attempts: number, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      'DATASTORE_UNAVAILABLE',
      `datastore ${operation}: gave up after ${attempts} attempts (${reason}): ${detail}`,
      { status: 503, cause },
    );
    this.reason = reason;
    this.attempts = attempts;
  }
}

/** A purge resume cursor that this library did not produce (or that was damaged on the way). */
export class InvalidCursorError extends SessionError {
  constructor(reason: string) {
    super('DATASTORE_INVALID_CURSOR', `invalid purge cursor: ${reason}`, { status: 400 });
  }
}

/** A stored entity that this library cannot read back (written by something else, or damaged). */
export class CorruptEntityError extends SessionError {
  constructor(what: string, reason: string) {
    super('DATASTORE_CORRUPT_ENTITY', `${what}: ${reason}`);
  }
}
