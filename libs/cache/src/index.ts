export type { CacheItem, CasOutcome, CasToken, SessionCache } from './cache.js';
export { CacheKeyError, CacheUnavailableError } from './errors.js';
export { DEFAULT_MAX_VALUE_BYTES, MAX_KEY_BYTES, MAX_RELATIVE_TTL_SECONDS, MEMCACHED_ITEM_BYTES } from './limits.js';
export { MemjsCache, type MemjsCacheOptions } from './memjs-cache.js';
