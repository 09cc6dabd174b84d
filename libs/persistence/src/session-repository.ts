// What the store and the worker need from durable storage: the SessionRepository contract,
// implemented on Datastore by DatastoreRepository (repository.ts).
import type { ListOptions, PrincipalSessionPage, SessionRecord, SessionWrite, WriteResult } from '@gaesession/core';
import type { SessionEvent } from '@gaesession/events';

export interface ApplyResult {
  /** Session entities written: at most one per session key of the batch. */
  written: number;
  /**
   * Events that changed nothing: superseded by a newer event of the batch, no newer than the
   * stored version (duplicates, out-of-order delivery), behind a tombstone, or already expired.
   * `written + skipped` is the number of events applied.
   */
  skipped: number;
}

/** What Datastore holds for a key, expired or not: the store's catch-up reads need the difference. */
export type StoredState =
  | { readonly state: 'missing' }
  | { readonly state: 'destroyed'; readonly version: number }
  | { readonly state: 'stored'; readonly record: SessionRecord; readonly expired: boolean };

/** Durable session state, as the store's read-through path and the worker see it. */
export interface SessionRepository {
  /** Live record or undefined (missing, expired, or tombstoned). Read-through path of the store. */
  load(key: string): Promise<SessionRecord | undefined>;
  /** The stored state of `key`, including expired records and tombstones. */
  inspect(key: string): Promise<StoredState>;
  /** Idempotently applies validated events (SessionEvent from @gaesession/events). */
  apply(events: readonly SessionEvent[]): Promise<ApplyResult>;
  /**
   * Compare-and-set of one record straight to Datastore, with the semantics of
   * `SessionStore.write`: the store's synchronous fallback when the cache or the queue is down.
   */
  write(write: SessionWrite): Promise<WriteResult>;
  /**
   * Ends `key` durably, in one transaction: a tombstone (version `DESTROYED_VERSION`) that expires
   * `now` + the stored session's timeout (`fallbackTimeoutMs` when Datastore holds no entity for
   * it), long enough to outlast any older event still queued. A tombstone already there stays.
   * With `baseVersion`, a stored record newer than it wins instead: nothing is written and it is
   * answered as `current`, as a lost compare-and-set is.
   */
  destroy(key: string, options: DestroyOptions): Promise<WriteResult>;
  /**
   * Ends every key of `keys` that is not already destroyed, as {@link destroy} ends one (without
   * `baseVersion`), in one transaction per page of 250 keys; answers how many it ended.
   */
  destroyMany(keys: readonly string[], options: Omit<DestroyOptions, 'baseVersion'>): Promise<number>;
  /**
   * The live (not expired, not destroyed) sessions whose `principal` property is `principal`, a
   * page at a time, by the property's built-in index (strongly consistent in Firestore in
   * Datastore mode).
   */
  listByPrincipal(principal: string, options?: ListOptions): Promise<PrincipalSessionPage>;
}

export interface DestroyOptions {
  /** When the session ended, ms since the epoch. */
  readonly now: number;
  /** The session's timeout when Datastore does not know it, ms. */
  readonly fallbackTimeoutMs: number;
  /**
   * Only destroy the version the caller read: a newer live record in Datastore (written there
   * directly while the cache was down) wins. @defaultValue unconditional
   */
  readonly baseVersion?: number;
}
