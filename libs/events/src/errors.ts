import { SessionError } from '@gaesession/core';

/** The codes of this package. */
export type EventErrorCode = 'EVENT_INVALID' | 'EVENT_TOO_LARGE';

/** An event that fails the schema, or a payload that is not an event batch at all. */
export class InvalidEventError extends SessionError {
  /** Why the event was refused, in words (schema path and problem). */
  readonly reason: string;

  constructor(reason: string) {
    super('EVENT_INVALID', `invalid session event: ${reason}`, { status: 400 });
    this.reason = reason;
  }
}

/** An encoded event batch that is still over the transport's size limit after compression. */
export class EventTooLargeError extends SessionError {
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit: number) {
    super('EVENT_TOO_LARGE', `encoded events are ${size} bytes, over the ${limit}-byte limit`, { status: 413 });
    this.size = size;
    this.limit = limit;
  }
}
