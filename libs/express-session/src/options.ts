import type { Config } from '@gaesession/config';
import type { Store } from 'express-session';
import { DEFAULT_TIMEOUT_MS, type SessionStore } from '@gaesession/core';

/** What a save of a session that was destroyed (a logout) or expired meanwhile does. */
export type SaveAfterDestroy = 'error' | 'ignore';

export interface GaeSessionStoreOptions {
  /**
   * Where sessions live: a `WriteBehindStore` (@gaesession/store) of your own, or any
   * `SessionStore`. Yours is not closed by {@link GaeSessionStore.close}.
   * @defaultValue the write-behind store `createSessionStore` (@gaesession/config) builds from the
   * environment (cache, queue and Datastore), closed by `close()`
   */
  store?: SessionStore;
  /**
   * The configuration the default store is built from, and the source of the `timeout` and
   * `touchAfter` defaults. Ignored when `store` is given. @defaultValue `loadConfig()`: the environment
   */
  config?: Config;
  /**
   * Idle timeout, in ms, of a session whose cookie has no `maxAge` (a browser-session cookie).
   * With a `maxAge`, the session follows the cookie (see the README). @defaultValue
   * SESSION_TIMEOUT_MS when the store comes from the configuration, else 1800000 (30 minutes)
   */
  timeout?: number;
  /**
   * Fraction of the timeout that must pass since a session was last written before express-session's
   * `touch` rewrites it to move its expiry; in [0, 1). @defaultValue SESSION_TOUCH_AFTER when the
   * store comes from the configuration, else 0.25
   */
  touchAfter?: number;
  /**
   * Save a top-level integer attribute that a request moved by exactly +1 or -1 from the value it
   * loaded as an increment, not a set: concurrent `req.session.views++` then all count. Turn it
   * off if such a number is not a counter (two concurrent changes would then both apply).
   * @defaultValue true
   */
  mergeCounters?: boolean;
  /**
   * A save of a session that a logout destroyed (or that expired) after this request loaded it:
   * `error` hands express-session a `SessionGoneError` (409), `ignore` drops the changes. Either
   * way the session stays destroyed. @defaultValue `"error"`
   */
  onSaveAfterDestroy?: SaveAfterDestroy;
  /**
   * The express-session store you migrate from (a connect-redis `RedisStore`, say), so that users
   * stay logged in across the switch: a session id this store does not know is looked up there,
   * and a session found is moved here (written here, destroyed there) on its first read. A
   * destroy here destroys it there too. Drop it once the old sessions have expired.
   * @defaultValue none
   */
  fallback?: Store;
  /** Compare-and-set attempts of one save before a `SessionConflictError`. @defaultValue 100 */
  maxWriteAttempts?: number;
  /** Clock, ms since the epoch. @defaultValue `Date.now` */
  now?: () => number;
}

/** The defaults of {@link GaeSessionStoreOptions} that do not come from the configuration. */
export const GAE_SESSION_STORE_DEFAULTS = {
  timeout: DEFAULT_TIMEOUT_MS,
  touchAfter: 0.25,
  mergeCounters: true,
  onSaveAfterDestroy: 'error',
  maxWriteAttempts: 100,
  now: Date.now,
} as const satisfies Partial<GaeSessionStoreOptions>;
