/**
 * The cache the session store codes against. Kept this small on purpose: memcached implements it
 * here ({@link MemjsCache}), and a Redis/Valkey adapter can implement it later (WATCH/MULTI or a
 * Lua script for `cas`).
 */

/** A compare-and-set token. Opaque to callers: only pass back what {@link SessionCache.get} returned. */
export type CasToken = bigint;

/** A cached value together with the token that identifies this exact version of it. */
export interface CacheItem {
  readonly value: Buffer;
  readonly cas: CasToken;
}

/** What a compare-and-set write did. */
export type CasOutcome = 'stored' | 'conflict' | 'missing';

export interface SessionCache {
  /** The item at `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<CacheItem | undefined>;
  /** Stores only if the key is absent; false if it exists. */
  add(key: string, value: Buffer, ttlSeconds: number): Promise<boolean>;
  /**
   * Stores only if the item still has `cas`: 'conflict' when another write came first, 'missing'
   * when the item was deleted or expired meanwhile.
   */
  cas(key: string, value: Buffer, ttlSeconds: number, cas: CasToken): Promise<CasOutcome>;
  /** Stores unconditionally. */
  set(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  /** Removes the item; false if there was none. */
  delete(key: string): Promise<boolean>;
  /** Waits for calls in flight, then releases connections. Later calls fail. */
  close(): Promise<void>;
}
