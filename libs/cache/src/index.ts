export type {
  AtomicOutcome,
  AtomicUpdate,
  CacheEntry,
  CachedEntry,
  CasOutcome,
  CasToken,
  SessionCache,
} from './cache.js';
export { CacheKeyError, CacheUnavailableError, type CacheErrorCode } from './errors.js';
export { DEFAULT_MAX_VALUE_BYTES, MAX_KEY_BYTES, MAX_RELATIVE_TTL_SECONDS, MEMCACHED_ITEM_BYTES } from './limits.js';
export { decodeEntry, encodeEntry, MemcachedSessionCache } from './memcached-session-cache.js';
export { MEMJS_CACHE_DEFAULTS, MemjsCache, type CacheItem, type MemjsCacheOptions } from './memjs-cache.js';
export { VALKEY_CACHE_DEFAULTS, ValkeyCache, type ValkeyCacheOptions } from './valkey-cache.js';
