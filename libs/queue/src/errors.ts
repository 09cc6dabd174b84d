import { SessionError } from '@gaesession/session';

/**
 * The queue could not durably accept the events (unreachable, timed out, or refusing writes).
 * Nothing can be assumed about whether some of them landed: callers fall back to a synchronous
 * write, which is safe because events are idempotent (deterministic ids, versioned apply).
 */
export class QueueUnavailableError extends SessionError {
  constructor(message: string, cause?: unknown) {
    super('QUEUE_UNAVAILABLE', `queue unavailable: ${message}`, 503, cause === undefined ? {} : { cause });
  }
}

/** The message of anything thrown, for wrapping it. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
