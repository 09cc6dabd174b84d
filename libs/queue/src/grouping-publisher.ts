import type { SessionEvent } from '@gaesession/events';
import { ConfigurationError, withDefaults } from '@gaesession/core';
import { QueueUnavailableError } from './errors.js';
import type { EventPublisher } from './publisher.js';

export interface GroupingPublisherOptions {
  /**
   * Most events sent in one batch. A single publish larger than this still goes out whole, in a
   * batch of its own. @defaultValue 100
   */
  maxBatch?: number;
}

/** The defaults of {@link GroupingPublisherOptions}. */
export const GROUPING_PUBLISHER_DEFAULTS = { maxBatch: 100 } as const satisfies GroupingPublisherOptions;

interface Waiter {
  readonly events: readonly SessionEvent[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group enqueue without a timer: when nothing is in flight a publish goes out at once; publishes
 * that arrive meanwhile are collected and sent together, as one batch, when it completes. Each
 * caller settles with the outcome of the batch that carried its events. Owns the wrapped
 * publisher: {@link close} closes it.
 */
export class GroupingPublisher implements EventPublisher {
  readonly #inner: EventPublisher;
  readonly #maxBatch: number;
  #waiting: Waiter[] = [];
  #inFlight: Promise<void> | undefined;
  #closed = false;
  readonly maxEventBytes: number;

  constructor(inner: EventPublisher, options: GroupingPublisherOptions = {}) {
    this.#inner = inner;
    this.#maxBatch = withDefaults(GROUPING_PUBLISHER_DEFAULTS, options).maxBatch;
    this.maxEventBytes = inner.maxEventBytes;
    if (!(this.#maxBatch >= 1)) throw new ConfigurationError(`maxBatch must be at least 1, got ${this.#maxBatch}`);
  }

  publish(events: readonly SessionEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(new QueueUnavailableError('publisher is closed'));
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ events, resolve, reject });
      if (this.#inFlight === undefined) this.#sendNext();
    });
  }

  check(): Promise<void> {
    return this.#inner.check();
  }

  /** Sends what is still waiting, then closes the wrapped publisher. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#inFlight !== undefined) await this.#inFlight;
    await this.#inner.close();
  }

  #sendNext(): void {
    const batch = this.#takeBatch();
    if (batch.length === 0) {
      this.#inFlight = undefined;
      return;
    }
    this.#inFlight = this.#publishNow(batch.flatMap((waiter) => waiter.events)).then(
      () => {
        for (const waiter of batch) waiter.resolve();
        this.#sendNext();
      },
      (error: unknown) => {
        for (const waiter of batch) waiter.reject(error);
        this.#sendNext();
      },
    );
  }

  /** Async, so a publisher that throws instead of rejecting cannot strand the waiters. */
  async #publishNow(events: readonly SessionEvent[]): Promise<void> {
    await this.#inner.publish(events);
  }

  /** Whole publishes, oldest first, up to maxBatch events (at least one publish). */
  #takeBatch(): Waiter[] {
    let count = 0;
    let taken = 0;
    for (const waiter of this.#waiting) {
      if (taken > 0 && count + waiter.events.length > this.#maxBatch) break;
      count += waiter.events.length;
      taken += 1;
    }
    const batch = this.#waiting.slice(0, taken);
    this.#waiting = this.#waiting.slice(taken);
    return batch;
  }
}
