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

/**
 * A sink for the store's counters: `MetricsLog` of @gaesession/core (structured log lines, what
 * createSessions uses), or bind it to any metrics library.
 */
export interface StoreMetrics {
  increment(counter: StoreCounter, by?: number): void;
}

export const noMetrics: StoreMetrics = { increment: () => undefined };
