// Counts of what the app answered, overall and per sampling window.
import { acknowledged, outcomeOf, type Answer } from './http-client.js';

/** Requests of one sampling window. */
export interface WindowStats {
  readonly requests: number;
  /** Answers other than 2xx (and no answer at all). */
  readonly errors: number;
  /** Latency percentiles of the window's answers, in ms (0 when there were none). */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The value at quantile `q` (0..1) of `sorted`, nearest rank; 0 for no values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Every answer the scripted clients got. */
export class Tally {
  /** Answers that were 2xx. */
  acknowledged = 0;
  /** Everything else, by outcome (`503`, `401`, `timeout`, ...). */
  readonly refused = new Map<string, number>();
  readonly #ackTimes: number[] = [];
  #latencies: number[] = [];
  #windowErrors = 0;

  record(answer: Answer, at = Date.now()): void {
    this.#latencies.push(answer.ms);
    if (acknowledged(answer)) {
      this.acknowledged += 1;
      this.#ackTimes.push(at);
      return;
    }
    this.#windowErrors += 1;
    const outcome = outcomeOf(answer);
    this.refused.set(outcome, (this.refused.get(outcome) ?? 0) + 1);
  }

  get nonAcknowledged(): number {
    let total = 0;
    for (const count of this.refused.values()) total += count;
    return total;
  }

  /** Acknowledged answers recorded from `from` to `to` (ms since the epoch, inclusive). */
  acknowledgedBetween(from: number, to: number): number {
    return this.#ackTimes.filter((at) => at >= from && at <= to).length;
  }

  /** The window since the last call (or the start), which then starts over. */
  takeWindow(): WindowStats {
    const sorted = this.#latencies.sort((a, b) => a - b);
    const stats = {
      requests: sorted.length,
      errors: this.#windowErrors,
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
    };
    this.#latencies = [];
    this.#windowErrors = 0;
    return stats;
  }

  /** `{"503": 12, "timeout": 1}` */
  refusedSummary(): Record<string, number> {
    return Object.fromEntries([...this.refused].sort(([a], [b]) => a.localeCompare(b)));
  }
}
