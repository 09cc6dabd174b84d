import type { SessionEvent } from '@gaesession/events';

/**
 * Where session change events go. The store codes against this interface; the adapters are
 * {@link BullMQPublisher} (local), {@link CloudTasksPublisher} (production), and
 * {@link GroupingPublisher}, which batches concurrent publishes over either.
 */
export interface EventPublisher {
  /**
   * Resolves once the queue has durably accepted every event (re-publishing an event already
   * queued is a harmless no-op). Rejects with {@link QueueUnavailableError} (code
   * `QUEUE_UNAVAILABLE`) when the queue can't be reached, fast (well under 2 s), because the
   * caller then falls back to a synchronous Datastore write; or with `EventTooLargeError` (from
   * `@gaesession/events`) when an event can't fit the transport.
   */
  publish(events: readonly SessionEvent[]): Promise<void>;
  /** The largest encoded event this transport carries, in bytes (so callers can refuse early). */
  readonly maxEventBytes: number;
  /**
   * Resolves when the queue answers (Redis: a PING; Cloud Tasks: a read of the queue), else
   * rejects with why: for readiness checks, not for the request path.
   */
  check(): Promise<void>;
  /** Releases connections. Publishing after close rejects with {@link QueueUnavailableError}. */
  close(): Promise<void>;
}
