import type { Op, SessionRecord } from '@gaesession/core';

/**
 * The session cache the store codes against: sessions in, sessions out, with compare-and-set.
 * Two adapters implement it: memcached ({@link MemcachedSessionCache}, one JSON value per session)
 * and Valkey/Redis (`ValkeyCache`, one hash per session, which also applies a request's operations
 * on the server: {@link SessionCache.update}).
 */

/** What a cache holds under a session key: the record, or the tombstone a logout left. */
export type CacheEntry = { readonly record: SessionRecord } | { readonly tombstone: true };

/** A compare-and-set token. Opaque to callers: only pass back what {@link SessionCache.get} returned. */
export type CasToken = bigint;

/** A cached entry together with the token that identifies this exact version of it. */
export interface CachedEntry {
  /** Undefined when something unreadable is stored under the key: a miss that `cas` may replace. */
  readonly entry: CacheEntry | undefined;
  readonly cas: CasToken;
}

/** What a compare-and-set write did. */
export type CasOutcome = 'stored' | 'conflict' | 'missing';

/** A request's operations, for a cache to apply itself ({@link SessionCache.update}). */
export interface AtomicUpdate {
  /** Applied in order to the cached attributes, as `applyOps` does (an `incr` of a non-number starts at 0). */
  readonly ops: readonly Op[];
  /** The version the request read: a cached copy older than this is not built on (`stale`). */
  readonly baseVersion: number;
  /** The time of the write, ms since the epoch: `accessed` becomes the later of it and the cached one. */
  readonly now: number;
  /** Refuse, with nothing written, a session whose JSON would grow past this many bytes. */
  readonly maxBytes: number;
}

/** What an {@link AtomicUpdate} did. Only `updated` wrote anything. */
export type AtomicOutcome =
  /** Applied: the record as written, its version one above the cached one. */
  | { readonly status: 'updated'; readonly record: SessionRecord }
  /** Nothing cached under the key (or nothing readable): read through, then compare-and-set. */
  | { readonly status: 'missing' }
  /** The cached copy is older than `baseVersion` (it came from Datastore while writes went around it). */
  | { readonly status: 'stale' }
  /** A tombstone, or an expired session. */
  | { readonly status: 'gone' }
  /** The result would exceed `maxBytes` (its estimated size). */
  | { readonly status: 'too-large'; readonly size: number }
  /** An increment of `name` would leave the exact (safe-integer or finite) range. */
  | { readonly status: 'overflow'; readonly name: string };

export interface SessionCache {
  /** The entry at `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<CachedEntry | undefined>;
  /** Stores only if the key is absent; false if it exists. */
  add(key: string, entry: CacheEntry, ttlSeconds: number): Promise<boolean>;
  /**
   * Stores only if the entry still has `cas`: 'conflict' when another write came first, 'missing'
   * when it was deleted or expired meanwhile.
   */
  cas(key: string, entry: CacheEntry, ttlSeconds: number, cas: CasToken): Promise<CasOutcome>;
  /** Stores unconditionally. */
  set(key: string, entry: CacheEntry, ttlSeconds: number): Promise<void>;
  /** Removes the entry; false if there was none. */
  delete(key: string): Promise<boolean>;
  /** Waits for calls in flight, then releases connections. Later calls fail. */
  close(): Promise<void>;
  /**
   * Applies a request's operations to the cached session on the server, atomically, in one round
   * trip: concurrent updates never conflict. Only caches that can do this (Valkey) have it; the
   * store uses compare-and-set otherwise.
   */
  update?(key: string, update: AtomicUpdate): Promise<AtomicOutcome>;
}
