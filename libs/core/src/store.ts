import type { JsonObject } from './json.js';
import type { Op } from './ops.js';
import type { SessionRecord } from './record.js';

/** Why a record is being written; stores turn it into the matching change event. */
export type WriteKind = 'create' | 'update' | 'touch';

/** One compare-and-set write of a whole session record. */
export interface SessionWrite {
  readonly kind: WriteKind;
  /** The version the write is based on; 0 means the key must not exist yet. */
  readonly baseVersion: number;
  /** The full new record; its version is `baseVersion + 1`. */
  readonly record: SessionRecord;
  /** The operations that turned the base into `record` (empty for a touch). */
  readonly ops: readonly Op[];
}

/**
 * A write either lands, or loses to a newer version, which comes back so the caller can re-apply.
 * A store that applies an update's operations itself, on top of whatever version it holds (no
 * conflict possible), answers the record it wrote as `record`; otherwise the record written is
 * the write's own.
 */
export type WriteResult =
  | { readonly ok: true; readonly record?: SessionRecord }
  | { readonly ok: false; readonly current: SessionRecord | undefined };

/** One live session of a principal, as a list of a user's sessions shows it: never its token. */
export interface PrincipalSession {
  /** The session key (a hash of the token). */
  readonly key: string;
  readonly created: number;
  /** The last write or touch that reached durable storage, ms since the epoch. */
  readonly accessed: number;
  readonly expiresAt: number;
  /** What the app kept with the session at creation, e.g. a coarse device label. */
  readonly constants: JsonObject;
}

/** A page of a principal's sessions; `cursor` is set when there may be more. */
export interface PrincipalSessionPage {
  readonly sessions: readonly PrincipalSession[];
  readonly cursor?: string;
}

export interface ListOptions {
  /** Sessions per page, at most 500. @defaultValue 100 */
  readonly limit?: number;
  /** Where the previous page stopped. */
  readonly cursor?: string;
}

/**
 * Where sessions live. Implementations: {@link MemoryStore} for tests, and the write-behind store
 * (`@gaesession/store`) for production. The HTTP layer never talks to a database directly.
 */
export interface SessionStore {
  /**
   * The live record for `key`, or undefined when it is missing, expired or destroyed.
   * `minVersion` is the version the client was last shown (from its cookie): a store whose
   * durable copy may lag behind its cache uses it to avoid answering with older state.
   */
  load(key: string, minVersion?: number): Promise<SessionRecord | undefined>;
  /** Compare-and-set on the version; see {@link SessionWrite}. */
  write(write: SessionWrite): Promise<WriteResult>;
  /**
   * Ends the session durably: no later write or event may bring `key` back. With `baseVersion`
   * it is a compare-and-set like {@link write}; without, it is unconditional.
   */
  destroy(key: string, baseVersion?: number): Promise<WriteResult>;
  /** The live sessions of `principal`, a page at a time, from durable storage. Optional for a store. */
  listByPrincipal?(principal: string, options?: ListOptions): Promise<PrincipalSessionPage>;
  /**
   * Ends every live session of `principal` but those in `except`, each exactly as {@link destroy}
   * ends one, page by page; answers how many it ended. Optional for a store.
   */
  destroyByPrincipal?(principal: string, options?: { readonly except?: readonly string[] }): Promise<number>;
}
