// What the shared end-to-end scenarios need from a queue backend (not built, not a test file itself).
import type { SessionEvent } from '@gaesession/events';
import type { RunningApps } from '../testing/apps.fixture.js';
import { cacheLabel, type CacheKind } from '../testing/cache-choice.fixture.js';

/**
 * Retries of a failing delivery in the end-to-end runs: the queue's `task_retry_limit` and the
 * worker's TASK_RETRY_LIMIT (3 attempts in all).
 */
export const RETRY_LIMIT = 2;

/** How long the worker keeps its event log in these runs, in ms: the scenarios read events back from it. */
export const EVENT_LOG_RETENTION_MS = 3_600_000;

/** The apps running on one queue backend, with the queue's own handles. */
export interface QueueStack {
  readonly apps: RunningApps;
  /** Headers with which the platform calls the cron endpoint on this backend. */
  readonly cronHeaders: Readonly<Record<string, string>>;
  /** Headers that prove a cron call elsewhere but not here: the worker must refuse them. */
  readonly foreignCronHeaders: Readonly<Record<string, string>>;
  /**
   * Delivers `events` to the worker once more, through the queue, past its de-duplication: what
   * an at-least-once queue may do. Resolves once the queue took the delivery.
   */
  redeliver(events: readonly SessionEvent[]): Promise<void>;
  /** How many attempts the queue allows the delivery of event `eventId`: its last one dead-letters. */
  attemptsAllowed(eventId: string): Promise<number>;
  /**
   * Makes the queue's retries happen without their backoff (BullMQ's are seconds long; the Cloud
   * Tasks run's queue backs off 50-200 ms anyway). Returns a function that stops it.
   */
  hurryRetries(): () => void;
  /** Deliveries the queue still holds: waiting, running or waiting for a retry. */
  pending(): Promise<number>;
  /** Deliveries the queue gave up on without a success (failed jobs, dropped tasks). */
  givenUp(): Promise<number>;
  /** Stops the apps and the queue's services, and removes what the run left behind. */
  stop(): Promise<void>;
}

/** One queue backend the scenarios run on, with the cache its apps use. */
export interface QueueBackend {
  readonly name: 'bullmq' | 'cloud-tasks';
  /** CACHE_BACKEND of the apps. */
  readonly cache: CacheKind;
  /** Starts the apps (and the queue's own services) on this backend, from their dist folders. */
  start(): Promise<QueueStack>;
}

/** The backend as the suites' titles and log lines name it: `bullmq`, `bullmq (Valkey cache)`... */
export function backendTitle(backend: QueueBackend): string {
  return backend.cache === 'memcached' ? backend.name : `${backend.name} (${cacheLabel(backend.cache)} cache)`;
}

/** The worker's Prometheus counters and gauges by sample (`name{labels}`), e.g. `gaesession_worker_events_applied_total`. */
export async function workerMetrics(apps: RunningApps): Promise<Map<string, number>> {
  const text = await apps.workerMetricsText();
  const samples = text
    .split('\n')
    .filter((line) => line.startsWith('gaesession_worker_'))
    .map((line) => {
      const space = line.lastIndexOf(' ');
      return [line.slice(0, space), Number(line.slice(space + 1))] as const;
    });
  return new Map(samples);
}

/** One sample of {@link workerMetrics}, 0 when absent (prom-client omits labelled counters never incremented). */
export function sample(metrics: ReadonlyMap<string, number>, name: string): number {
  return metrics.get(name) ?? 0;
}
