import type { JsonObject } from './json.js';

/** Default idle timeout of a session: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * The stored state of a session, as the cache, the events and Datastore hold it.
 * It never contains the token: `key` is the token's hash.
 */
export interface SessionRecord {
  /** Hash of the token (see {@link sessionKey}); the only identifier that is ever stored. */
  readonly key: string;
  /** Grows by one with every write, starting at 1 when the session is created. */
  readonly version: number;
  /** Creation time, ms since the epoch. */
  readonly created: number;
  /** Last write or touch, ms since the epoch. */
  readonly accessed: number;
  /** Idle timeout in ms: the session expires at `accessed + timeout`. */
  readonly timeout: number;
  /** Attributes fixed at creation (for example the user id). */
  readonly constants: JsonObject;
  /** Mutable attributes. */
  readonly attrs: JsonObject;
}

export function expiresAt(record: Pick<SessionRecord, 'accessed' | 'timeout'>): number {
  return record.accessed + record.timeout;
}

export function isExpired(record: Pick<SessionRecord, 'accessed' | 'timeout'>, now = Date.now()): boolean {
  return expiresAt(record) <= now;
}
