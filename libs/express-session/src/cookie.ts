import type { JsonObject, JsonValue } from '@gaesession/core';

/**
 * The store-side idle timeout of a session, in ms, from its cookie's `originalMaxAge`: long
 * enough that the session outlives its cookie although a read-only request moves the expiry only
 * after `touchAfter` of the timeout (maxAge / (1 - touchAfter), in whole seconds). Undefined for a
 * browser-session cookie (no maxAge).
 */
export function cookieTimeout(cookie: JsonValue | undefined, touchAfter: number): number | undefined {
  if (typeof cookie !== 'object' || cookie === null || Array.isArray(cookie)) return undefined;
  const maxAge = (cookie as JsonObject).originalMaxAge;
  if (typeof maxAge !== 'number' || !(maxAge > 0)) return undefined;
  return Math.ceil(maxAge / (1 - touchAfter) / 1000) * 1000;
}

/**
 * True when two timeouts differ by more than express-session's own drift: its `touch()` can move
 * `originalMaxAge` by a millisecond on every request.
 */
export function timeoutChanged(stored: number, wanted: number): boolean {
  return Math.abs(stored - wanted) > Math.max(1000, stored / 100);
}

/** The cookie a session gets when its stored data has none (written by something else). */
export const BROWSER_SESSION_COOKIE = { originalMaxAge: null, path: '/', httpOnly: true } as const;
