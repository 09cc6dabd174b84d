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
  /**
   * The user the session belongs to, when the app said so at creation (`createSession({ principal })`):
   * application data, not a secret. Kept across regenerate; Datastore indexes it, so an app can
   * list a user's sessions and end them all.
   */
  readonly principal?: string;
  /** Attributes fixed at creation (for example a device label). */
  readonly constants: JsonObject;
  /** Mutable attributes. */
  readonly attrs: JsonObject;
}

/** The longest principal accepted, in characters (Datastore indexes strings up to 1500 bytes). */
export const MAX_PRINCIPAL_LENGTH = 256;

/** Why `principal` is not a usable principal, or undefined when it is. */
export function principalProblem(principal: unknown): string | undefined {
  if (typeof principal !== 'string' || principal === '') return 'must be a non-empty string';
  if (principal.length > MAX_PRINCIPAL_LENGTH) return `must be at most ${MAX_PRINCIPAL_LENGTH} characters`;
  return undefined;
}

export function expiresAt(record: Pick<SessionRecord, 'accessed' | 'timeout'>): number {
  return record.accessed + record.timeout;
}

export function isExpired(record: Pick<SessionRecord, 'accessed' | 'timeout'>, now = Date.now()): boolean {
  return expiresAt(record) <= now;
}
