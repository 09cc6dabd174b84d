// Which cache the apps keep their sessions in, and where it is (not built, not a test file itself).
import { CACHE_BACKENDS } from '@gaesession/config';
import { services } from '@gaesession/testkit';

/** The caches the apps run on (CACHE_BACKEND); suites that involve the cache run on each. */
export const CACHE_KINDS = CACHE_BACKENDS;
export type CacheKind = (typeof CACHE_KINDS)[number];

/** A cache and its address, `host:port` (memcached: a comma-separated list is allowed). */
export interface CacheChoice {
  readonly kind: CacheKind;
  readonly address: string;
}

/** The machine's shared cache of this kind (the stack's memcached, or its Valkey on 6380). */
export function sharedCache(kind: CacheKind): CacheChoice {
  return { kind, address: kind === 'memcached' ? services.memcached : new URL(services.valkey).host };
}

/** The environment that points the apps at `cache`. */
export function cacheEnv(cache: CacheChoice): Record<string, string> {
  return cache.kind === 'memcached'
    ? { CACHE_BACKEND: 'memcached', MEMCACHED_SERVERS: cache.address }
    : { CACHE_BACKEND: 'valkey', CACHE_URL: `redis://${cache.address}` };
}

/** How the docs and the test names call it. */
export function cacheLabel(kind: CacheKind): string {
  return kind === 'memcached' ? 'memcached' : 'Valkey';
}
