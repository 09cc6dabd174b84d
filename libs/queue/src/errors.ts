import { SessionError } from '@gaesession/core';

/** The codes of this package. */
export type QueueErrorCode = 'QUEUE_UNAVAILABLE';

/**
 * The queue could not durably accept the events (unreachable, timed out, or refusing writes).
 * Nothing can be assumed about whether some of them landed: callers fall back to a synchronous
 * write, which is safe because events are idempotent (deterministic ids, versioned apply).
 */
export class QueueUnavailableError extends SessionError {
  constructor(message: string, cause?: unknown) {
    super('QUEUE_UNAVAILABLE', `queue unavailable: ${message}`, { status: 503, cause });
  }
}
