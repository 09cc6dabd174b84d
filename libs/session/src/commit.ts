import { setTimeout as sleep } from 'node:timers/promises';
import {
  applyOps,
  SessionConflictError,
  SessionGoneError,
  withDefaults,
  type LooseOptions,
  type Op,
  type SessionRecord,
  type SessionStore,
} from '@gaesession/core';
import type { Session } from './session.js';
import { UpdateQueue } from './update-queue.js';

/** One update queue per store: requests of this process on one session merge into few writes. */
const updateQueues = new WeakMap<SessionStore, UpdateQueue>();

function updateQueue(store: SessionStore): UpdateQueue {
  let queue = updateQueues.get(store);
  if (queue === undefined) {
    queue = new UpdateQueue();
    updateQueues.set(store, queue);
  }
  return queue;
}

export interface CommitOptions {
  /**
   * Fraction of the timeout that must pass since the last write before an access-only request
   * rewrites the session to move its expiry. @defaultValue 0.25
   */
  touchAfter?: number;
  /** Compare-and-set attempts before a {@link SessionConflictError}. @defaultValue 100 */
  maxWriteAttempts?: number;
  /** Clock, ms since the epoch. @defaultValue `Date.now` */
  now?: () => number;
}

export type ResolvedCommitOptions = Readonly<Required<CommitOptions>>;

/** The defaults of {@link CommitOptions}. */
export const COMMIT_DEFAULTS: ResolvedCommitOptions = { touchAfter: 0.25, maxWriteAttempts: 100, now: Date.now };

/** {@link CommitOptions} over {@link COMMIT_DEFAULTS}; resolve once, then commit with the result. */
export function resolveCommitOptions(options: LooseOptions<CommitOptions> = {}): ResolvedCommitOptions {
  return withDefaults(COMMIT_DEFAULTS, options);
}

export type CommitOutcome = 'unchanged' | 'created' | 'saved' | 'touched' | 'regenerated' | 'destroyed';

/**
 * Persists what one request did to its session. Attribute changes are re-applied to the freshest
 * stored state on every conflict, so concurrent requests merge instead of overwriting each other.
 */
export function commitSession(
  store: SessionStore,
  session: Session,
  options: CommitOptions = {},
): Promise<CommitOutcome> {
  return commitResolved(store, session, resolveCommitOptions(options));
}

/** {@link commitSession} with options already resolved (the session manager resolves them once). */
export async function commitResolved(
  store: SessionStore,
  session: Session,
  resolved: ResolvedCommitOptions,
): Promise<CommitOutcome> {
  const now = resolved.now();
  const attempts = resolved.maxWriteAttempts;
  switch (session.lifecycle) {
    case 'destroyed':
      // A session destroyed before its first save was never stored: nothing to tombstone. After
      // the tombstone its version is 0 too, so committing again writes no second tombstone.
      if (session.version > 0) await store.destroy(session.previousKey ?? session.key);
      session.markDestroyed();
      return 'destroyed';
    case 'new': {
      const record: SessionRecord = { ...session.snapshot(), version: 1, created: now, accessed: now };
      await create(store, record, session.ops);
      session.markSaved(record);
      return 'created';
    }
    case 'regenerated':
      session.markSaved(await regenerate(store, session, now, attempts));
      return 'regenerated';
    case 'loaded': {
      if (session.ops.length > 0) {
        const clock = resolved.now;
        const record = await updateQueue(store).update(session.base, session.ops, (base, ops) =>
          update(store, base, ops, clock(), attempts),
        );
        session.markSaved(record);
        return 'saved';
      }
      const base = session.base;
      if (now - base.accessed < base.timeout * resolved.touchAfter) return 'unchanged';
      const record: SessionRecord = { ...base, version: base.version + 1, accessed: now };
      const result = await store.write({ kind: 'touch', baseVersion: base.version, record, ops: [] });
      // Losing a touch is fine: whoever won wrote a newer access time.
      if (result.ok) session.markSaved(record);
      return 'touched';
    }
  }
}

/**
 * Writes `ops` on top of `base`, a record this request loaded, the way a loaded session's save
 * does: merged with this process's concurrent updates of the same key into few writes, and
 * re-applied to the newer version on every conflict. Answers the record written; throws
 * `SessionGoneError` when the session was destroyed or expired meanwhile. For stores of other
 * session frameworks (`@gaesession/express-session`); the middleware commits through
 * {@link commitSession}.
 */
export function commitOps(
  store: SessionStore,
  base: SessionRecord,
  ops: readonly Op[],
  options: CommitOptions = {},
): Promise<SessionRecord> {
  const resolved = resolveCommitOptions(options);
  return updateQueue(store).update(base, ops, (current, merged) =>
    update(store, current, merged, resolved.now(), resolved.maxWriteAttempts),
  );
}

async function create(store: SessionStore, record: SessionRecord, ops: readonly Op[]): Promise<void> {
  const result = await store.write({ kind: 'create', baseVersion: 0, record, ops });
  if (!result.ok) throw new SessionConflictError(record.key, 1);
}

/**
 * Moves the session to its new key without losing a concurrent write to the old one: the old key
 * is destroyed only at the version that was copied; if another request wrote in between, its
 * state is copied again before the old key goes.
 */
async function regenerate(store: SessionStore, session: Session, now: number, attempts: number) {
  const oldKey = session.previousKey ?? session.key;
  let fresh = await update(store, { ...session.base, key: oldKey }, session.ops, now, attempts, true);
  let record: SessionRecord = { ...fresh, key: session.key, version: 1, accessed: now };
  await create(store, record, []);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await store.destroy(oldKey, fresh.version);
    if (result.ok || result.current === undefined) return record;
    fresh = result.current;
    const next: SessionRecord = { ...record, version: record.version + 1, attrs: fresh.attrs };
    // Nobody else knows the new key yet, so this write cannot conflict.
    const written = await store.write({ kind: 'update', baseVersion: record.version, record: next, ops: [] });
    if (!written.ok) throw new SessionConflictError(record.key, attempt);
    record = next;
  }
  throw new SessionConflictError(oldKey, attempts);
}

/**
 * Applies `ops` to `base` and compare-and-sets the result; on a conflict, re-applies them to the
 * newer version the store returned. With `force`, writes (bumps the version) even without ops.
 */
async function update(
  store: SessionStore,
  base: SessionRecord,
  ops: readonly Op[],
  now: number,
  maxAttempts: number,
  force = false,
): Promise<SessionRecord> {
  let current: SessionRecord | undefined = base;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (current === undefined) throw new SessionGoneError(base.key);
    if (ops.length === 0 && !force) return current;
    const record: SessionRecord = {
      ...current,
      version: current.version + 1,
      accessed: Math.max(now, current.accessed),
      attrs: applyOps(current.attrs, ops),
    };
    const result = await store.write({ kind: 'update', baseVersion: current.version, record, ops });
    if (result.ok) return result.record ?? record;
    current = result.current;
    // A little jitter keeps a crowd of writers from colliding in lockstep.
    if (attempt % 4 === 0) await sleep(Math.random() * attempt);
  }
  throw new SessionConflictError(base.key, maxAttempts);
}
