import type { Logger } from './logger.js';

export interface MetricsLogOptions {
  /** Where the lines go. */
  readonly logger: Logger;
  /** The `metrics` field's prefix, e.g. `store` (so the line reads `metrics: { store: {...} }`). */
  readonly scope: string;
  /** How often a `metrics` line sums up what was counted since the last one, ms. 0: never. @defaultValue 60000 */
  readonly intervalMs?: number;
  /** Counters whose every increment is a problem an operator must see: warned about at once, then once per interval while they go on. @defaultValue none */
  readonly alerting?: (counter: string) => boolean;
  /** Clock, ms since the epoch. @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * Counters exported as structured log lines, the way App Engine standard can be monitored (each
 * request may land on another instance, so a per-instance `/metrics` endpoint cannot be scraped):
 * every `intervalMs`, one `metrics` line `{ metrics: { <scope>: { <counter>: <count since the last
 * line> } } }` for Cloud Logging's log-based metrics to sum (docs/OPERATIONS.md names them). An
 * alerting counter (a degraded path) is also warned about the first time it moves, and again each
 * interval while it keeps moving. `totals()` reads everything counted so far.
 */
export class MetricsLog {
  readonly #options: MetricsLogOptions;
  readonly #totals = new Map<string, number>();
  readonly #sinceLine = new Map<string, number>();
  readonly #lastWarning = new Map<string, number>();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(options: MetricsLogOptions) {
    this.#options = options;
    const intervalMs = options.intervalMs ?? 60_000;
    this.#timer =
      intervalMs > 0
        ? setInterval(() => {
            this.flush();
          }, intervalMs).unref()
        : undefined;
  }

  increment(counter: string, by = 1): void {
    this.#totals.set(counter, (this.#totals.get(counter) ?? 0) + by);
    this.#sinceLine.set(counter, (this.#sinceLine.get(counter) ?? 0) + by);
    if (this.#options.alerting?.(counter) === true) this.#warn(counter);
  }

  /** Keeps the highest `value` seen since the last line under `gauge` (a lag, say). */
  max(gauge: string, value: number): void {
    this.#sinceLine.set(gauge, Math.max(this.#sinceLine.get(gauge) ?? value, value));
  }

  /** How much `counter` was counted so far. */
  get(counter: string): number {
    return this.#totals.get(counter) ?? 0;
  }

  /** Everything counted so far. */
  totals(): Record<string, number> {
    return Object.fromEntries(this.#totals);
  }

  /** Writes the `metrics` line now (when anything was counted since the last one). */
  flush(): void {
    if (this.#sinceLine.size === 0) return;
    const counts = Object.fromEntries(this.#sinceLine);
    this.#sinceLine.clear();
    this.#options.logger.info('metrics', { metrics: { [this.#options.scope]: counts } });
  }

  /** Stops the timer after a last line. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.flush();
  }

  #warn(counter: string): void {
    const now = (this.#options.now ?? Date.now)();
    const last = this.#lastWarning.get(counter);
    if (last !== undefined && now - last < (this.#options.intervalMs ?? 60_000)) return;
    this.#lastWarning.set(counter, now);
    this.#options.logger.warn(`degraded: ${counter}`, { counter, total: this.#totals.get(counter) ?? 0 });
  }
}
