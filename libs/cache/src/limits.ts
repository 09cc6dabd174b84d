import { SessionTooLargeError } from '@gaesession/core';
import { CacheKeyError } from './errors.js';

/** memcached's key limit, in bytes. */
export const MAX_KEY_BYTES = 250;

/** memcached's default item size limit (`-I 1m`), in bytes: key, value and item header together. */
export const MEMCACHED_ITEM_BYTES = 1_048_576;

/**
 * The largest value stored by default, in bytes: the item limit less 1 KiB for the key (≤ 250
 * bytes) and the item header (about 60 bytes on memcached 1.6; measured: a 250-byte key takes
 * values up to 1,048,266 bytes), with room to spare for other versions.
 */
export const DEFAULT_MAX_VALUE_BYTES = MEMCACHED_ITEM_BYTES - 1_024;

/** Expirations above this many seconds (30 days) are read by memcached as absolute unix times. */
export const MAX_RELATIVE_TTL_SECONDS = 60 * 60 * 24 * 30;

const MAX_EXPIRATION = 0xffff_ffff;

/** The key's UTF-8 bytes, or a {@link CacheKeyError} if memcached would refuse or misread it. */
export function encodeKey(fullKey: string): Buffer {
  const reason = keyProblem(fullKey);
  if (reason !== undefined) throw new CacheKeyError(fullKey, reason);
  return Buffer.from(fullKey, 'utf8');
}

/** Printable ASCII without space, at most the key limit: a usable key, told by one regular expression. */
const PLAIN_KEY = /^[\x21-\x7e]{1,250}$/;

/** Why `fullKey` is not a usable memcached key, or undefined when it is. */
export function keyProblem(fullKey: string): string | undefined {
  // The common case (session keys are base64url): one test instead of a look at every character.
  if (PLAIN_KEY.test(fullKey)) return undefined;
  if (fullKey.length === 0) return 'empty';
  const bytes = Buffer.byteLength(fullKey, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `${bytes} bytes, over the ${MAX_KEY_BYTES}-byte limit`;
  for (const char of fullKey) {
    // Whitespace and control characters split or corrupt keys in the text protocol and in tools.
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f) || /\s/u.test(char)) {
      return `contains U+${code.toString(16).toUpperCase().padStart(4, '0')} (space or control character)`;
    }
  }
  return undefined;
}

/** Throws {@link SessionTooLargeError} when `value` is over `limit` bytes. */
export function checkValueSize(fullKey: string, value: Buffer, limit: number): void {
  if (value.length > limit) throw new SessionTooLargeError(`cache value for ${fullKey}`, value.length, limit);
}

/**
 * The expiration field for a time to live: ttls up to 30 days go as they are; longer ones become
 * an absolute unix time (memcached's rule), so any ttl works. Fractions round up.
 *
 * @param ttlSeconds - at least 1
 * @param nowMs - the current time, in milliseconds since the epoch
 */
export function toExpiration(ttlSeconds: number, nowMs: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`ttlSeconds must be a finite number ≥ 1, got ${ttlSeconds}`);
  }
  const ttl = Math.ceil(ttlSeconds);
  if (ttl <= MAX_RELATIVE_TTL_SECONDS) return ttl;
  const absolute = Math.floor(nowMs / 1000) + ttl;
  if (absolute > MAX_EXPIRATION) throw new RangeError(`ttlSeconds ${ttlSeconds} expires after 2106`);
  return absolute;
}
