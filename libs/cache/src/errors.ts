import { SessionError } from '@gaesession/core';

/** The codes of this package. */
export type CacheErrorCode = 'CACHE_UNAVAILABLE' | 'CACHE_KEY_INVALID';

/** A cache key memcached would refuse or misread: too long, empty, or with spaces/control characters. */
export class CacheKeyError extends SessionError {
  /** The full key (with prefix) that was refused. */
  readonly key: string;

  constructor(key: string, reason: string) {
    super('CACHE_KEY_INVALID', `invalid cache key ${JSON.stringify(key)}: ${reason}`);
    this.key = key;
  }
}

/**
 * The cache could not answer: unreachable, too slow, closed, or it answered with a server-side
 * error. For `add` and `cas` the write may or may not have landed; re-read before deciding.
 */
export class CacheUnavailableError extends SessionError {
  constructor(message: string, cause?: unknown) {
    super('CACHE_UNAVAILABLE', message, { status: 503, cause });
  }
}
