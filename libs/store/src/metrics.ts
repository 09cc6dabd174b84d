/** What the store counts. Degraded paths are the ones an operator must notice. */
export type StoreCounter =
  | 'cache_hit'
  | 'cache_miss'
  | 'read_through'
  | 'write_conflict'
  | 'cache_update'
  | 'events_published'
  | 'created_durable'
  | 'degraded_create_queued'
  | 'degraded_queue_fallback'
  | 'degraded_oversized_event'
  | 'degraded_cache_unavailable';

/** A sink for the store's counters; bind it to prom-client or any metrics library. */
export interface StoreMetrics {
  increment(counter: StoreCounter, by?: number): void;
}

/** Counts in memory; `snapshot()` reads them (the demo's /metrics uses this). */
export class CounterMetrics implements StoreMetrics {
  readonly #counts = new Map<StoreCounter, number>();

  increment(counter: StoreCounter, by = 1): void {
    this.#counts.set(counter, (this.#counts.get(counter) ?? 0) + by);
  }

  get(counter: StoreCounter): number {
    return this.#counts.get(counter) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

export const noMetrics: StoreMetrics = { increment: () => undefined };
