import { encodeEvents, eventFromWrite, type SessionEvent } from '@gaesession/events';
import type { SessionRepository } from '@gaesession/persistence';
import type { EventPublisher } from '@gaesession/queue';
import { ConfigurationError, isSessionError, type SessionWrite } from '@gaesession/session';
import type { StoreMetrics } from './metrics.js';
import type { DurabilityMode, WriteBehindStoreOptions } from './options.js';

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

  constructor(options: WriteBehindStoreOptions, metrics: StoreMetrics) {
    this.#mode = options.mode ?? 'write-behind';
    if (this.#mode === 'write-behind' && options.publisher === undefined) {
      throw new ConfigurationError('mode "write-behind" needs a publisher (the event queue)');
    }
    this.#publisher = options.publisher;
    this.#repository = options.repository;
    this.#metrics = metrics;
    this.#queueFallback = (options.onQueueFailure ?? 'sync-write') === 'sync-write';
    this.#oversizedFallback = (options.onOversizedEvent ?? 'sync-write') === 'sync-write';
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

  async #applyNow(event: SessionEvent): Promise<void> {
    if (this.#repository === undefined) throw new ConfigurationError('no repository to persist events to');
    await this.#repository.apply([event]);
  }
}
