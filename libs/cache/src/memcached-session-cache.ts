import type { SessionRecord } from '@gaesession/core';
import type { CacheEntry, CachedEntry, CasOutcome, CasToken, SessionCache } from './cache.js';
import { MemjsCache, type MemjsCacheOptions } from './memjs-cache.js';

const TOMBSTONE = Buffer.from('{"tombstone":true}');

/**
 * {@link SessionCache} on memcached: each session one JSON value (the record, or a tombstone),
 * written with real compare-and-set through {@link MemjsCache}. memcached cannot apply operations
 * itself, so there is no `update`: the store's compare-and-set loop re-applies them on a conflict.
 */
export class MemcachedSessionCache implements SessionCache {
  readonly #memjs: MemjsCache;

  /** Connects to memcached with `options` (see {@link MemjsCacheOptions}), or uses a `MemjsCache` of yours (closed by `close()`). */
  constructor(options: MemjsCacheOptions | MemjsCache = {}) {
    this.#memjs = options instanceof MemjsCache ? options : new MemjsCache(options);
  }

  async get(key: string): Promise<CachedEntry | undefined> {
    const item = await this.#memjs.get(key);
    return item === undefined ? undefined : { entry: decodeEntry(item.value), cas: item.cas };
  }

  add(key: string, entry: CacheEntry, ttlSeconds: number): Promise<boolean> {
    return this.#memjs.add(key, encodeEntry(entry), ttlSeconds);
  }

  cas(key: string, entry: CacheEntry, ttlSeconds: number, cas: CasToken): Promise<CasOutcome> {
    return this.#memjs.cas(key, encodeEntry(entry), ttlSeconds, cas);
  }

  set(key: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
    return this.#memjs.set(key, encodeEntry(entry), ttlSeconds);
  }

  delete(key: string): Promise<boolean> {
    return this.#memjs.delete(key);
  }

  close(): Promise<void> {
    return this.#memjs.close();
  }
}

/** The JSON value of an entry. */
export function encodeEntry(entry: CacheEntry): Buffer {
  return 'tombstone' in entry ? TOMBSTONE : Buffer.from(JSON.stringify(entry.record));
}

/** Decodes a cached value; anything unreadable is undefined (a miss) rather than an error page. */
export function decodeEntry(value: Buffer): CacheEntry | undefined {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<SessionRecord> & { tombstone?: boolean };
    if (parsed.tombstone === true) return { tombstone: true };
    if (typeof parsed.key !== 'string' || typeof parsed.version !== 'number') return undefined;
    return { record: parsed as SessionRecord };
  } catch {
    return undefined;
  }
}
