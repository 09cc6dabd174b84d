import { SessionError } from '@gaesession/session';

/** An event that fails the schema, or a payload that is not an event batch at all. */
export class InvalidEventError extends SessionError {
  /** Why the event was refused, in words (schema path and problem). */
  readonly reason: string;

  constructor(reason: string) {
    super('INVALID_EVENT', `invalid session event: ${reason}`, 400);
    this.reason = reason;
  }
}

/** An encoded event batch that is still over the transport's size limit after compression. */
export class EventTooLargeError extends SessionError {
  readonly size: number;
  readonly limit: number;

  constructor(size: number, limit: number) {
    super('EVENT_TOO_LARGE', `encoded events are ${size} bytes, over the ${limit}-byte limit`, 413);
    this.size = size;
    this.limit = limit;
  }
}
