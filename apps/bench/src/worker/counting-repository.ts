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
  /** Sum of the durations of all calls, ms (calls in flight together each count in full). */
  readonly totalMs: number;
  /** Most calls in flight at once. */
  readonly maxInFlight: number;
}

/** Counts and times the calls, events and Session entity writes of a repository's `apply`. */
export class CountingRepository implements Pick<SessionRepository, 'apply'> {
  readonly #inner: Pick<SessionRepository, 'apply'>;
  readonly #now: () => number;
  #counts = { applies: 0, events: 0, written: 0, failures: 0, totalMs: 0, maxInFlight: 0 };
  #inFlight = 0;

  /** @param now - clock in ms @defaultValue performance.now */
  constructor(inner: Pick<SessionRepository, 'apply'>, now: () => number = () => performance.now()) {
    this.#inner = inner;
    this.#now = now;
  }

  get counts(): ApplyCounts {
    return { ...this.#counts };
  }

  async apply(events: readonly SessionEvent[]): Promise<ApplyResult> {
    const started = this.#now();
    this.#inFlight++;
    this.#counts.maxInFlight = Math.max(this.#counts.maxInFlight, this.#inFlight);
    let result: ApplyResult;
    try {
      result = await this.#inner.apply(events);
    } catch (error) {
      this.#counts.failures++;
      throw error;
    } finally {
      this.#inFlight--;
      this.#counts.totalMs += this.#now() - started;
    }
    this.#counts.applies++;
    this.#counts.events += events.length;
    this.#counts.written += result.written;
    return result;
  }
}
