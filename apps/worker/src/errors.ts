import { SessionError } from '@gaesession/core';

/** The codes of this package. */
export type WorkerErrorCode =
  'WORKER_DELIVERY_FAILED' | 'WORKER_FORBIDDEN' | 'WORKER_STOPPING' | 'WORKER_TASK_TOO_LARGE';

/**
 * A delivery whose events could not be made durable on an attempt that is not the queue's last:
 * the queue must deliver it again. Always 500, never 503: Cloud Tasks slows the whole queue down
 * on 503, and one failing task must not throttle everybody's events.
 */
export class DeliveryFailedError extends SessionError {
  constructor(message: string, cause: unknown) {
    super('WORKER_DELIVERY_FAILED', message, { status: 500, cause });
  }
}

/** A task or cron endpoint called by someone other than the platform. Nothing was read or applied. */
export class ForbiddenError extends SessionError {
  constructor(reason: string) {
    super('WORKER_FORBIDDEN', reason, { status: 403 });
  }
}

/** Work submitted after the worker began shutting down. */
export class WorkerStoppingError extends SessionError {
  constructor(what: string) {
    super('WORKER_STOPPING', `${what}: the worker is shutting down`, { status: 503 });
  }
}

/** A task body over the size limit: it can never succeed, so it was kept as a dead letter. */
export class TaskTooLargeError extends SessionError {
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit: number, deadLetter: string) {
    super(
      'WORKER_TASK_TOO_LARGE',
      `task body of ${size} bytes is over the ${limit}-byte limit; its start is kept as dead letter ${deadLetter}`,
      { status: 413 },
    );
    this.size = size;
    this.limit = limit;
  }
}
