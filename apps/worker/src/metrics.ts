import type { MetricsLog } from '@gaesession/core';
import type { SessionEvent } from '@gaesession/events';
import type { ApplyResult, PurgeResult } from '@gaesession/persistence';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CommitObserver } from './group-commit.js';
import type { DeadLetterReason, DeliveryObserver } from './process-payload.js';

/** Seconds from an event's `occurredAt` to the moment it was durable. */
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

export interface WorkerMetricsOptions {
  /** Also export Node.js process metrics (CPU, memory, event loop lag). @defaultValue true */
  processMetrics?: boolean;
  /** Clock in ms since the epoch, for the lag histogram. @defaultValue Date.now */
  now?: () => number;
  /**
   * The same counters as structured log lines (how App Engine is monitored; docs/OPERATIONS.md),
   * beside the Prometheus registry. @defaultValue none
   */
  log?: MetricsLog;
}

/**
 * The worker's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * several workers in one process, e.g. in tests, do not share counters).
 */
export class WorkerMetrics implements CommitObserver, DeliveryObserver {
  readonly registry = new Registry();
  readonly #now: () => number;
  readonly #log: MetricsLog | undefined;
  readonly #eventsApplied: Counter;
  readonly #sessionsWritten: Counter;
  readonly #batches: Counter;
  readonly #commits: Counter;
  readonly #commitFailures: Counter;
  readonly #lag: Histogram;
  readonly #deadLetters: Counter<'reason'>;
  readonly #invalidEvents: Counter;
  readonly #deliveriesFailed: Counter;
  readonly #purgeRuns: Counter<'outcome'>;
  readonly #purgeDeleted: Counter;

  constructor(options: WorkerMetricsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    const registers = [this.registry];
    const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name: `gaesession_worker_${name}`, help, labelNames, registers });
    this.#eventsApplied = counter('events_applied_total', 'Events made durable (including ones that changed nothing).');
    this.#sessionsWritten = counter('sessions_written_total', 'Session entities written to Datastore.');
    this.#batches = counter('batches_total', 'Groups of events flushed by the group committer.');
    this.#commits = counter(
      'commits_total',
      'Successful repository apply calls (one Datastore commit per 500 sessions).',
    );
    this.#commitFailures = counter('commit_failures_total', 'Failed repository apply calls.');
    this.#lag = new Histogram({
      name: 'gaesession_worker_event_lag_seconds',
      help: 'Time from an event occurring (occurredAt) to it being durable in Datastore.',
      buckets: LAG_BUCKETS,
      registers,
    });
    this.#deadLetters = counter('dead_letters_total', 'Payloads recorded in the dead-letter store.', ['reason']);
    this.#invalidEvents = counter('invalid_events_total', 'Delivered items that failed event validation.');
    this.#deliveriesFailed = counter(
      'deliveries_failed_total',
      'Deliveries answered with a retryable failure (the queue delivers them again).',
    );
    this.#purgeRuns = counter('purge_runs_total', 'Purge runs, by outcome.', ['outcome']);
    this.#purgeDeleted = counter('purge_deleted_total', 'Expired entities deleted by purges.');
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'gaesession_worker_' });
  }

  onBatch(): void {
    this.#batches.inc();
  }

  onCommit(events: readonly SessionEvent[], result: ApplyResult): void {
    this.#commits.inc();
    this.#eventsApplied.inc(events.length);
    this.#sessionsWritten.inc(result.written);
    const now = this.#now();
    let maxLagMs = 0;
    for (const event of events) {
      const lagMs = Math.max(0, now - event.occurredAt);
      maxLagMs = Math.max(maxLagMs, lagMs);
      this.#lag.observe(lagMs / 1000);
    }
    this.#log?.increment('commits');
    this.#log?.increment('events_applied', events.length);
    this.#log?.increment('sessions_written', result.written);
    this.#log?.max('max_lag_ms', maxLagMs);
  }

  onCommitFailure(): void {
    this.#commitFailures.inc();
    this.#log?.increment('commit_failures');
  }

  onInvalidEvents(count: number): void {
    this.#invalidEvents.inc(count);
    this.#log?.increment('invalid_events', count);
  }

  onDeadLetter(reason: DeadLetterReason): void {
    this.#deadLetters.inc({ reason });
    this.#log?.increment('dead_letters');
  }

  onDeliveryFailed(): void {
    this.#deliveriesFailed.inc();
    this.#log?.increment('deliveries_failed');
  }

  onPurge(result: PurgeResult | undefined): void {
    if (result === undefined) {
      this.#purgeRuns.inc({ outcome: 'error' });
      this.#log?.increment('purge_errors');
      return;
    }
    this.#purgeRuns.inc({ outcome: result.completed ? 'completed' : 'incomplete' });
    this.#purgeDeleted.inc(result.deleted);
    this.#log?.increment('purge_runs');
    this.#log?.increment('purge_deleted', result.deleted);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
