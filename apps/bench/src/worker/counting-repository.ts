import type { SessionEvent } from '@gaesession/events';
import type { ApplyResult, SessionRepository } from '@gaesession/persistence';

/** What went through a {@link CountingRepository}. */
export interface ApplyCounts {
  /** `apply` calls that succeeded. */
  readonly applies: number;
  /** Events handed to those calls. */
  readonly events: number;
  /** Session entities written (the sum of `ApplyResult.written`). */
  readonly written: number;
  /** `apply` calls that failed. */
  readonly failures: number;
}

/** Counts the calls, events and Session entity writes of a repository's `apply`. */
export class CountingRepository implements Pick<SessionRepository, 'apply'> {
  readonly #inner: Pick<SessionRepository, 'apply'>;
  #counts = { applies: 0, events: 0, written: 0, failures: 0 };

  constructor(inner: Pick<SessionRepository, 'apply'>) {
    this.#inner = inner;
  }

  get counts(): ApplyCounts {
    return { ...this.#counts };
  }

  async apply(events: readonly SessionEvent[]): Promise<ApplyResult> {
    let result: ApplyResult;
    try {
      result = await this.#inner.apply(events);
    } catch (error) {
      this.#counts.failures++;
      throw error;
    }
    this.#counts.applies++;
    this.#counts.events += events.length;
    this.#counts.written += result.written;
    return result;
  }
}
