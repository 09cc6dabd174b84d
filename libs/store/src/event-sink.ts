import { ConfigurationError, isSessionError, type SessionWrite } from '@gaesession/core';
import { encodeEvents, eventFromWrite, type SessionEvent } from '@gaesession/events';
import type { SessionRepository } from '@gaesession/persistence';
import type { EventPublisher } from '@gaesession/queue';
import type { StoreMetrics } from './metrics.js';
import type { DurabilityMode, ResolvedStoreOptions } from './options.js';

/** Bytes an event adds around the cached record (ids, ops framing, timestamps). */
const EVENT_OVERHEAD_BYTES = 512;

/** Makes change events durable the way the store's mode says, with the configured fallbacks. */
export class EventSink {
  readonly #mode: DurabilityMode;
  readonly #publisher: EventPublisher | undefined;
  readonly #repository: SessionRepository | undefined;
  readonly #metrics: StoreMetrics;
  readonly #queueFallback: boolean;
  readonly #oversizedFallback: boolean;
  readonly #durableCreate: boolean;
  readonly #createTimeoutMs: number;

  constructor(options: ResolvedStoreOptions) {
    this.#mode = options.mode;
    if (this.#mode === 'write-behind' && options.publisher === undefined) {
      throw new ConfigurationError('mode "write-behind" needs a publisher (the event queue)');
    }
    this.#publisher = options.publisher;
    this.#repository = options.repository;
    this.#metrics = options.metrics;
    this.#queueFallback = options.onQueueFailure === 'sync-write';
    this.#oversizedFallback = options.onOversizedEvent === 'sync-write';
    this.#durableCreate = options.durableCreate;
    this.#createTimeoutMs = options.createTimeoutMs;
  }

  /**
   * Refuses, before anything is written, a change whose event the queue could not carry, when
   * oversized events are configured to fail rather than fall back to a synchronous write.
   */
  checkSize(write: SessionWrite): void {
    const limit = this.#publisher?.maxEventBytes;
    if (this.#mode !== 'write-behind' || this.#oversizedFallback || limit === undefined) return;
    const estimate =
      JSON.stringify(write.record.attrs).length + JSON.stringify(write.ops).length + EVENT_OVERHEAD_BYTES;
    // Cheap estimate first; only a session near the limit pays for a real (compressed) encode.
    if (estimate > limit / 2) encodeEvents([eventFromWrite(write)], { maxBytes: limit });
  }

  async persist(event: SessionEvent): Promise<void> {
    if (this.#mode === 'cache-only') return;
    if (this.#mode === 'sync' || this.#publisher === undefined) {
      await this.#applyNow(event);
      return;
    }
    try {
      await this.#publisher.publish([event]);
      this.#metrics.increment('events_published');
    } catch (error) {
      if (isSessionError(error, 'EVENT_TOO_LARGE') && this.#oversizedFallback) {
        this.#metrics.increment('degraded_oversized_event');
      } else if (isSessionError(error, 'QUEUE_UNAVAILABLE') && this.#queueFallback) {
        this.#metrics.increment('degraded_queue_fallback');
      } else {
        throw error;
      }
      await this.#applyNow(event);
    }
  }

  /**
   * A new session's first event. In write-behind mode (with `durableCreate`) it goes to Datastore
   * in the request, so that Datastore knows the session before its cookie is out; when Datastore
   * fails or is slow, it takes the queue like any other event (a late apply is harmless: applies
   * are idempotent and newest-wins).
   */
  async persistCreation(event: SessionEvent): Promise<void> {
    if (this.#mode === 'write-behind' && this.#durableCreate && this.#repository !== undefined) {
      if (await this.#appliedWithin(event, this.#createTimeoutMs)) {
        this.#metrics.increment('created_durable');
        return;
      }
      this.#metrics.increment('degraded_create_queued');
    }
    await this.persist(event);
  }

  async #appliedWithin(event: SessionEvent, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, ms, false);
    });
    const applied = this.#applyNow(event).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([applied, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #applyNow(event: SessionEvent): Promise<void> {
    if (this.#repository === undefined) throw new ConfigurationError('no repository to persist events to');
    await this.#repository.apply([event]);
  }
}
