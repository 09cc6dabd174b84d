import type { SessionCache } from '@gaesession/cache';
import type { SessionRepository } from '@gaesession/persistence';
import type { EventPublisher } from '@gaesession/queue';
import type { WithDefaults } from '@gaesession/core';
import { noMetrics, type StoreMetrics } from './metrics.js';

/**
 * How a change becomes durable:
 * - `write-behind`: the request writes the cache and enqueues the change event; the worker
 *   persists it (fastest; the default).
 * - `sync`: the request also applies its event to Datastore before answering, with the same
 *   idempotent code the worker uses.
 * - `cache-only`: no Datastore and no events (sessions live as long as the cache keeps them).
 */
export type DurabilityMode = 'write-behind' | 'sync' | 'cache-only';

export interface WriteBehindStoreOptions {
  /** The request-path cache (memcached via `MemjsCache`). */
  cache: SessionCache;
  /** Datastore access; required unless `mode` is `cache-only`. */
  repository?: SessionRepository;
  /** Where change events go; required in `write-behind` mode. */
  publisher?: EventPublisher;
  /** @defaultValue `"write-behind"` */
  mode?: DurabilityMode;
  /**
   * When the queue cannot take an event: `sync-write` applies it to Datastore in the request
   * (counted as `degraded_queue_fallback`); `fail` fails the request with the queue's error.
   * Never a silent success. @defaultValue `"sync-write"`
   */
  onQueueFailure?: 'sync-write' | 'fail';
  /**
   * When an event is too large for the queue (Cloud Tasks: 100 KB): `sync-write` persists it in
   * the request; `fail` refuses the save with `EventTooLargeError` before anything is written.
   * @defaultValue `"sync-write"`
   */
  onOversizedEvent?: 'sync-write' | 'fail';
  /**
   * When the cache is unreachable: `datastore` reads from and compare-and-sets in Datastore
   * directly (counted as `degraded_cache_unavailable`); `fail` fails the request.
   * @defaultValue `"datastore"`
   */
  onCacheFailure?: 'datastore' | 'fail';
  /**
   * After a cache loss, how long a read waits (ms) for Datastore to catch up with the version
   * the client last saw before answering `SessionUnavailableError`. Only a session Datastore
   * already holds (at an older version) is waited for: a key it has never heard of is no session
   * at once (see `durableCreate`). @defaultValue 5000
   */
  catchUpTimeoutMs?: number;
  /**
   * In `write-behind` mode, apply a new session's first event (a login, or the new key of a
   * regenerate) to Datastore in the request, as a logout's tombstone is, and publish it only when
   * Datastore does not take it within `createTimeoutMs` (counted as `degraded_create_queued`).
   * Datastore then knows every session from its first response on, so after a cache loss a read
   * waits for the worker to catch up instead of taking a session whose events are still queued
   * for a forged token. Costs one Datastore write per login. @defaultValue true
   */
  durableCreate?: boolean;
  /** How long a durable create waits for Datastore before it falls back to the queue, ms. @defaultValue 1000 */
  createTimeoutMs?: number;
  /** Where the store's counters go. @defaultValue none kept */
  metrics?: StoreMetrics;
  /** Clock, ms since the epoch. @defaultValue `Date.now` */
  now?: () => number;
}

/** The defaults of {@link WriteBehindStoreOptions}, documented beside each option above. */
export const STORE_DEFAULTS = {
  mode: 'write-behind',
  onQueueFailure: 'sync-write',
  onOversizedEvent: 'sync-write',
  onCacheFailure: 'datastore',
  catchUpTimeoutMs: 5000,
  durableCreate: true,
  createTimeoutMs: 1000,
  metrics: noMetrics,
  now: Date.now,
} as const satisfies Partial<WriteBehindStoreOptions>;

/** The store's options with their defaults applied. */
export type ResolvedStoreOptions = WithDefaults<typeof STORE_DEFAULTS, WriteBehindStoreOptions>;
