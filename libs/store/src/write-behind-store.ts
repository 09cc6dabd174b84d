import type { AtomicOutcome, CachedEntry, SessionCache } from '@gaesession/cache';
import {
  ConfigurationError,
  UnsupportedError,
  DEFAULT_TIMEOUT_MS,
  InvalidOperationError,
  isExpired,
  isSessionError,
  SessionTooLargeError,
  SessionUnavailableError,
  withDefaults,
  type ListOptions,
  type PrincipalSessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionWrite,
  type WriteResult,
} from '@gaesession/core';
import { eventFromWrite } from '@gaesession/events';
import { assertFitsEntity, MAX_ENTITY_BYTES, type SessionRepository } from '@gaesession/persistence';
import { setTimeout as sleep } from 'node:timers/promises';
import { CasTokens } from './cas-tokens.js';
import { EventSink } from './event-sink.js';
import type { StoreMetrics } from './metrics.js';
import { destroyByPrincipal } from './principal-sessions.js';
import { STORE_DEFAULTS, type DurabilityMode, type WriteBehindStoreOptions } from './options.js';
import { ttlSeconds } from './ttl.js';

const CONFLICT_NO_SESSION: WriteResult = { ok: false, current: undefined };
const TOMBSTONE = { tombstone: true } as const;

/**
 * Largest session a cache applying updates itself may grow to, in bytes of JSON: the Datastore
 * entity limit less room for its key and other properties (a cache's own item limit is checked by
 * the cache). Sessions near it are checked exactly before anything is written.
 */
const MAX_SESSION_BYTES = MAX_ENTITY_BYTES - 16 * 1024;

/**
 * The production session store. The request path touches only the cache and the queue: reads
 * hit memcached (reading through to Datastore on a miss), writes are compare-and-set in
 * memcached followed by a change event; the worker makes events durable.
 */
export class WriteBehindStore implements SessionStore {
  readonly mode: DurabilityMode;
  readonly #cache: SessionCache;
  readonly #repository: SessionRepository | undefined;
  readonly #events: EventSink;
  readonly #metrics: StoreMetrics;
  readonly #now: () => number;
  readonly #cacheFallback: boolean;
  readonly #catchUpTimeoutMs: number;
  readonly #tokens = new CasTokens();
  readonly #maxSessionBytes = MAX_SESSION_BYTES;

  constructor(storeOptions: WriteBehindStoreOptions) {
    const options = withDefaults(STORE_DEFAULTS, storeOptions);
    this.mode = options.mode;
    if (this.mode !== 'cache-only' && options.repository === undefined) {
      throw new ConfigurationError(`mode "${this.mode}" needs a repository (Datastore)`);
    }
    this.#cache = options.cache;
    this.#repository = options.repository;
    this.#metrics = options.metrics;
    this.#now = options.now;
    this.#cacheFallback = options.onCacheFailure === 'datastore' && options.repository !== undefined;
    this.#catchUpTimeoutMs = options.catchUpTimeoutMs;
    this.#events = new EventSink(options);
  }

  async load(key: string, minVersion = 0): Promise<SessionRecord | undefined> {
    let item: CachedEntry | undefined;
    try {
      item = await this.#cache.get(key);
    } catch (error) {
      if (!this.#degradeOnCacheFailure(error)) throw error;
      return this.#durableRecord(key, minVersion);
    }
    const entry = item?.entry;
    if (entry !== undefined && 'tombstone' in entry) return undefined;
    if (item !== undefined && entry !== undefined && entry.record.version >= minVersion) {
      this.#metrics.increment('cache_hit');
      this.#tokens.remember(key, entry.record.version, item.cas);
      return this.#live(entry.record);
    }
    // A miss, or a cached copy older than what the client was already shown.
    this.#metrics.increment('cache_miss');
    if (this.#repository === undefined) return undefined;
    const record = await this.#durableRecord(key, minVersion);
    if (record !== undefined) await this.#populate(record, item).catch(() => undefined);
    return record;
  }

  async write(write: SessionWrite): Promise<WriteResult> {
    this.#checkSize(write);
    let result: WriteResult;
    try {
      result = (await this.#updateInCache(write)) ?? (await this.#casInCache(write));
    } catch (error) {
      if (!this.#degradeOnCacheFailure(error)) throw error;
      return this.#writeToRepository(write);
    }
    if (!result.ok) {
      this.#metrics.increment('write_conflict');
      return result;
    }
    // If this throws, the request fails: the change is not acknowledged. The cached version stays
    // (versions are never reused); a later write carries its state to Datastore, or it expires.
    const written = result.record === undefined ? write : { ...write, record: result.record };
    const event = eventFromWrite(written, this.#now());
    await (write.baseVersion === 0 ? this.#events.persistCreation(event) : this.#events.persist(event));
    return result;
  }

  /**
   * An update applied by the cache itself, when it can (Valkey): one round trip, no conflict, on
   * top of whatever version it holds. Undefined when the store must compare-and-set instead: the
   * cache cannot, has nothing cached, or holds a copy older than the request's base.
   */
  async #updateInCache(write: SessionWrite): Promise<WriteResult | undefined> {
    if (this.#cache.update === undefined || write.kind !== 'update' || write.ops.length === 0) return undefined;
    const { key } = write.record;
    const outcome: AtomicOutcome = await this.#cache.update(key, {
      ops: write.ops,
      baseVersion: write.baseVersion,
      now: write.record.accessed,
      maxBytes: this.#maxSessionBytes,
    });
    switch (outcome.status) {
      case 'updated':
        this.#metrics.increment('cache_update');
        return { ok: true, record: outcome.record };
      case 'gone':
        return CONFLICT_NO_SESSION;
      case 'too-large':
        throw new SessionTooLargeError(`session ${key}`, outcome.size, this.#maxSessionBytes);
      case 'overflow':
        throw new InvalidOperationError(`incrementing "${outcome.name}" overflows`);
      case 'missing':
      case 'stale':
        return undefined;
    }
  }

  async destroy(key: string, baseVersion?: number): Promise<WriteResult> {
    const now = this.#now();
    let timeout: number | undefined;
    // Without the cache, writes go to Datastore directly: there the compare-and-set must happen.
    let durableBase: number | undefined;
    try {
      const outcome = await this.#tombstoneInCache(key, baseVersion, now);
      if (!outcome.ok) return outcome;
      timeout = outcome.timeout;
    } catch (error) {
      if (!this.#degradeOnCacheFailure(error)) throw error;
      durableBase = baseVersion;
    }
    // Durable at once: a logout must survive a cache eviction and outrank any late event. One
    // Datastore transaction, which reads the session's timeout itself when the cache did not know it.
    if (this.#repository === undefined) return { ok: true };
    return this.#repository.destroy(key, {
      now,
      fallbackTimeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
      ...(durableBase === undefined ? {} : { baseVersion: durableBase }),
    });
  }

  async listByPrincipal(principal: string, options?: ListOptions): Promise<PrincipalSessionPage> {
    return this.#principalIndex().listByPrincipal(principal, options);
  }

  async destroyByPrincipal(principal: string, options: { readonly except?: readonly string[] } = {}): Promise<number> {
    const target = {
      cache: this.#cache,
      repository: this.#principalIndex(),
      degradeOnCacheFailure: (error: unknown) => this.#degradeOnCacheFailure(error),
      now: this.#now,
    };
    return destroyByPrincipal(target, principal, new Set(options.except));
  }

  /**
   * Replaces the cached session with a tombstone (compare-and-set when `baseVersion` is given).
   * Answers the session's timeout when the cache held it.
   */
  async #tombstoneInCache(
    key: string,
    baseVersion: number | undefined,
    now: number,
  ): Promise<{ ok: true; timeout: number | undefined } | { ok: false; current: SessionRecord | undefined }> {
    const item = await this.#cache.get(key);
    const entry = item?.entry;
    const current = entry !== undefined && 'record' in entry ? entry.record : undefined;
    if (baseVersion !== undefined && current !== undefined && current.version !== baseVersion) {
      return { ok: false, current };
    }
    const timeout = current?.timeout;
    // Unknown here, the timeout only bounds how long the cached tombstone lives: Datastore's
    // tombstone, written next, is the one that lasts.
    const ttl = ttlSeconds(now + (timeout ?? DEFAULT_TIMEOUT_MS), now);
    if (item !== undefined && baseVersion !== undefined && current !== undefined) {
      const status = await this.#cache.cas(key, TOMBSTONE, ttl, item.cas);
      if (status !== 'stored') return { ok: false, current: await this.load(key) };
    } else {
      await this.#cache.set(key, TOMBSTONE, ttl);
    }
    return { ok: true, timeout };
  }

  /** Compare-and-set in the cache. A miss reads the base through from Datastore first. */
  async #casInCache(write: SessionWrite): Promise<WriteResult> {
    const { key } = write.record;
    const value = { record: write.record };
    const ttl = ttlSeconds(write.record.accessed + write.record.timeout, this.#now());
    // The common case: this request read the item at its base version a moment ago.
    const known = this.#tokens.take(key, write.baseVersion);
    if (known !== undefined && (await this.#cache.cas(key, value, ttl, known)) === 'stored') return { ok: true };
    for (;;) {
      const item = await this.#cache.get(key);
      const entry = item?.entry;
      if (entry !== undefined && 'tombstone' in entry) return CONFLICT_NO_SESSION;
      let current = entry?.record;
      // The cache lost the base (its events may still be queued: wait until Datastore has it), or
      // holds an older copy than the base, which then came from Datastore: writes went there
      // directly while the cache was unreachable. A stale copy is never the state to build on.
      if ((current?.version ?? 0) < write.baseVersion) current = await this.#durableRecord(key, write.baseVersion);
      if (current !== undefined && this.#live(current) === undefined) return CONFLICT_NO_SESSION;
      if ((current?.version ?? 0) !== write.baseVersion) return { ok: false, current };
      const stored =
        item === undefined
          ? await this.#cache.add(key, value, ttl)
          : (await this.#cache.cas(key, value, ttl, item.cas)) === 'stored';
      if (stored) return { ok: true };
    }
  }

  /**
   * Compare-and-set straight in Datastore, the cache being unreachable. The base may have come
   * from the cache while Datastore is still behind it (its events queued): wait (bounded) until
   * Datastore has it, as a read after a cache loss does, rather than let the compare-and-set
   * fail against older state and the change be re-applied on top of it.
   */
  async #writeToRepository(write: SessionWrite): Promise<WriteResult> {
    if (write.baseVersion > 0) await this.#durableRecord(write.record.key, write.baseVersion);
    return this.#repositoryOrThrow().write(write);
  }

  /** Caches a record read from Datastore without overwriting anything newer. */
  async #populate(record: SessionRecord, stale: CachedEntry | undefined): Promise<void> {
    const value = { record };
    const ttl = ttlSeconds(record.accessed + record.timeout, this.#now());
    // add, not set: a newer write may have been cached while we read Datastore; a stale copy is
    // replaced only if nobody changed it since we read it.
    if (stale === undefined) await this.#cache.add(record.key, value, ttl);
    else await this.#cache.cas(record.key, value, ttl, stale.cas);
  }

  /**
   * Reads Datastore, waiting (bounded) until it holds at least `minVersion`: after a cache loss,
   * newer events may still be on their way through the queue. A tombstone, or an expired record
   * at least as new as the client's version, is a definite "no session". So is a key Datastore
   * has never heard of: it cannot be told from a forged token (whose cookie claims any version
   * it likes) or from a session the purge removed, and waiting for it would turn every such
   * cookie into a slow 503 instead of a fresh start. A session's creation is written to
   * Datastore in its request (`durableCreate`), so a real session is never unheard of; only one
   * created while Datastore did not answer can be, and reads as logged out after a cache loss.
   */
  async #durableRecord(key: string, minVersion: number): Promise<SessionRecord | undefined> {
    const repository = this.#repositoryOrThrow();
    this.#metrics.increment('read_through');
    const deadline = this.#now() + this.#catchUpTimeoutMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
      const stored = await repository.inspect(key);
      // A tombstone, or a key Datastore has never heard of.
      if (stored.state !== 'stored') return undefined;
      const version = stored.record.version;
      if (version >= minVersion) return stored.expired ? undefined : stored.record;
      if (this.#now() >= deadline) throw new SessionUnavailableError(key, minVersion, version);
      await sleep(delay);
    }
  }

  #live(record: SessionRecord): SessionRecord | undefined {
    return isExpired(record, this.#now()) ? undefined : record;
  }

  #checkSize(write: SessionWrite): void {
    if (this.#repository !== undefined) assertFitsEntity(write.record);
    this.#events.checkSize(write);
  }

  #degradeOnCacheFailure(error: unknown): boolean {
    if (!this.#cacheFallback || !isSessionError(error, 'CACHE_UNAVAILABLE')) return false;
    this.#metrics.increment('degraded_cache_unavailable');
    return true;
  }

  #repositoryOrThrow(): SessionRepository {
    if (this.#repository === undefined) throw new ConfigurationError('this store has no repository');
    return this.#repository;
  }

  /** The repository, when it holds every session (so its index of principals is complete). */
  #principalIndex(): SessionRepository {
    if (this.#repository === undefined || this.mode === 'cache-only') {
      throw new UnsupportedError(`sessions by principal need Datastore: this store runs in ${this.mode} mode`);
    }
    return this.#repository;
  }
}
