import type { RequestHandler } from 'express';
import { EventTooLargeError } from '@gaesession/events';
import { isSessionError, messageOf } from '@gaesession/core';
import { DeliveryFailedError, TaskTooLargeError } from './errors.js';
import { rejectPayload, type DeadLetterDependencies, type Delivery, type DeliveryOutcome } from './process-payload.js';
import { readLimitedBody } from './read-body.js';
import { encodingMismatch, taskAttempt } from './task-request.js';

/** Largest task body read: 1 MiB. Cloud Tasks cannot send more, so a longer body is never a real task. */
export const MAX_TASK_BODY_BYTES = 1024 * 1024;

export interface TaskRouteOptions extends DeadLetterDependencies {
  /** Handles the delivery (see `processPayload`). */
  process: (delivery: Delivery) => Promise<DeliveryOutcome>;
  /** queue.yaml's `task_retry_limit` (TASK_RETRY_LIMIT). */
  retryLimit: number;
  /** The queue name used when a request carries none (a manual call). */
  queueName: string;
  /** Largest body accepted, in bytes. @defaultValue 1048576 (1 MiB) */
  maxBodyBytes?: number;
}

/**
 * `POST /tasks/session-events`: a Cloud Tasks push. Answers 200 with the {@link DeliveryOutcome}
 * only once everything in it is durable; a retryable failure answers 500 (never 503, which would
 * throttle the whole queue). A body over the limit can never succeed: its first bytes go to the
 * dead letters (code EVENT_TOO_LARGE) and it answers 413.
 */
export function taskHandler(options: TaskRouteOptions): RequestHandler {
  const limit = options.maxBodyBytes ?? MAX_TASK_BODY_BYTES;
  return async (req, res) => {
    const attempt = taskAttempt(req.headers, options.retryLimit, options.queueName);
    const read = await readLimitedBody(req, limit);
    if (!read.complete) {
      const tooLarge = new EventTooLargeError(read.length, limit);
      const id = await rejectPayload({ ...attempt, payload: read.body }, options, tooLarge, 'too-large');
      // The rest of the body was never read: the connection cannot serve another request.
      res.set('Connection', 'close');
      throw new TaskTooLargeError(read.length, limit, id);
    }
    try {
      const outcome = await options.process({
        ...attempt,
        payload: read.body,
        invalid: encodingMismatch(req.headers, read.body),
      });
      res.status(200).json(outcome);
    } catch (error) {
      // 503 makes Cloud Tasks slow the whole queue down: every retryable failure answers 500.
      if (isSessionError(error) && error.status === 503) throw new DeliveryFailedError(messageOf(error), error);
      throw error;
    }
  };
}
