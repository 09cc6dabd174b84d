import { PropertyFilter, type Datastore, type Key, type Query } from '@google-cloud/datastore';
import { withDefaults } from '@gaesession/core';
import { keyOfEntity, kindQuery } from './keys.js';
import { DEFAULT_SESSION_KIND } from './model.js';
import { TaskPool } from './pool.js';
import { decodePurgeCursor, encodePurgeCursor, type PurgePosition } from './purge-cursor.js';
import { callOptions, resolveRetry, withRetry, type ResolvedRetry, type RetryOptions } from './retry.js';

/** Default time budget of a purge: 8 minutes, in ms (a cron request may run 10). */
export const DEFAULT_PURGE_BUDGET_MS = 480_000;

/** What to purge and how: entities of the kinds whose `expiresAt` has passed. */
export interface PurgeTarget {
  datastore: Datastore;
  /** Datastore namespace. @defaultValue the default namespace */
  namespace?: string;
  /** Kind of the session entities (expired sessions and expired tombstones). @defaultValue 'Session' */
  kind?: string;
  /** Also purge this event-log kind (see `EventLogOptions.kind`). @defaultValue none */
  eventLogKind?: string;
  /** Stop starting new batches after this many ms; the batches in flight finish. @defaultValue 480000 (8 minutes) */
  budgetMs?: number;
  /** Retries on contention and unavailability. @defaultValue see {@link RetryOptions} */
  retry?: RetryOptions;
  /** Clock in ms since the epoch. @defaultValue Date.now */
  now?: () => number;
}

export interface PurgeOptions extends PurgeTarget {
  /** Keys per query page and per delete call (Datastore allows 500 mutations). @defaultValue 500 */
  batchSize?: number;
  /** Delete calls in flight at once. @defaultValue 4 */
  concurrency?: number;
  /** Resume where an unfinished run stopped (its `cursor`). @defaultValue start from the beginning */
  cursor?: string;
  /**
   * Purge only entities expired at least this long ago, in ms. A session written a moment before
   * it expired has its event applied a little later; a grace period keeps the purge from deleting
   * the renewed entity between its query and its delete. @defaultValue 0
   */
  graceMs?: number;
  /** Called after each delete batch with the entities this run has deleted so far (progress displays). */
  onProgress?: (deleted: number) => void;
}

export interface PurgeResult {
  /** True when nothing expired is left (as of the run's cutoff). */
  completed: boolean;
  /** Entities deleted by this run. */
  deleted: number;
  elapsedMs: number;
  /** Present when unfinished: pass it as `cursor` to continue. */
  cursor?: string;
}

/**
 * A keys-only query of the `kind` entities (sessions, tombstones, event-log entries) that expired
 * before `cutoff` (ms since the epoch): what a purge deletes. Served by the built-in index on
 * `expiresAt`.
 */
export function expiredKeysQuery(
  datastore: Datastore,
  namespace: string | undefined,
  kind: string,
  cutoff: number,
): Query {
  return kindQuery(datastore, namespace, kind)
    .select('__key__')
    .filter(new PropertyFilter('expiresAt', '<', new Date(cutoff)));
}

/** Running purges, per client, by namespace and kinds. */
const running = new WeakMap<Datastore, Map<string, Promise<PurgeResult>>>();

/** The kinds a target purges, in order. */
export function purgeKinds(target: PurgeTarget): string[] {
  const kinds = [target.kind ?? DEFAULT_SESSION_KIND];
  if (target.eventLogKind !== undefined && !kinds.includes(target.eventLogKind)) kinds.push(target.eventLogKind);
  return kinds;
}

/**
 * Deletes expired entities: a keys-only query `expiresAt < cutoff` per kind, deleting each page
 * (`batchSize` keys) while the next page is read, with up to `concurrency` deletes in flight.
 * Stops at the time budget (always after at least one page, so every run makes progress) and
 * then answers `completed: false` with a `cursor` to resume from; a resumed run keeps the first
 * run's cutoff. Throws {@link DatastoreUnavailableError} when Datastore stays unreachable.
 *
 * One purge per process and target: a call while a purge of the same client, namespace and kinds
 * runs gets that run's promise (its own options are ignored), so overlapping cron requests do not
 * double the load.
 */
export function purgeExpired(options: PurgeOptions): Promise<PurgeResult> {
  const kinds = purgeKinds(options);
  const target = JSON.stringify([options.namespace ?? '', kinds]);
  let byTarget = running.get(options.datastore);
  if (byTarget === undefined) {
    byTarget = new Map();
    running.set(options.datastore, byTarget);
  }
  const current = byTarget.get(target);
  if (current !== undefined) return current;
  const started = runPurge(options, kinds).finally(() => byTarget.delete(target));
  byTarget.set(target, started);
  return started;
}

/** The defaults of {@link PurgeOptions}. */
export const PURGE_DEFAULTS = {
  kind: DEFAULT_SESSION_KIND,
  budgetMs: DEFAULT_PURGE_BUDGET_MS,
  batchSize: 500,
  concurrency: 4,
  graceMs: 0,
  now: Date.now,
} as const satisfies Partial<PurgeOptions>;

async function runPurge(purgeOptions: PurgeOptions, kinds: readonly string[]): Promise<PurgeResult> {
  const options = withDefaults(PURGE_DEFAULTS, purgeOptions);
  const now = options.now;
  const retry = resolveRetry(options.retry);
  const batchSize = Math.min(500, Math.max(1, options.batchSize));
  const started = now();
  const deadline = started + options.budgetMs;
  let position: PurgePosition | undefined =
    options.cursor === undefined
      ? { cutoff: started - options.graceMs, kind: kinds[0] ?? options.kind, cursor: undefined }
      : decodePurgeCursor(options.cursor, kinds);
  const deletes = new TaskPool(options.concurrency);
  let deleted = 0;
  const remove = (keys: Key[]) => (): Promise<number> =>
    withRetry(options.datastore, 'purge delete', retry, () => options.datastore.delete(keys, callOptions(retry))).then(
      () => {
        deleted += keys.length;
        options.onProgress?.(deleted);
        return keys.length;
      },
    );
  let pages = 0;
  try {
    while (position !== undefined) {
      if (pages > 0 && now() >= deadline) break;
      const page = await expiredPage(options, retry, position, batchSize);
      pages++;
      if (page.keys.length > 0) await deletes.run(remove(page.keys));
      position = page.next ?? nextKind(position, kinds);
    }
    await deletes.drain();
  } catch (error) {
    await deletes.drain().catch(() => undefined);
    throw error;
  }
  const result = { completed: position === undefined, deleted: deletes.done, elapsedMs: now() - started };
  return position === undefined ? result : { ...result, cursor: encodePurgeCursor(position) };
}

/** One page of expired keys, and where the next page starts (undefined: the kind is done). */
async function expiredPage(
  target: PurgeTarget,
  retry: ResolvedRetry,
  position: PurgePosition,
  batchSize: number,
): Promise<{ keys: Key[]; next: PurgePosition | undefined }> {
  // A fresh query per page: the client moves a query's own start and limit as it pages.
  const query = expiredKeysQuery(target.datastore, target.namespace, position.kind, position.cutoff).limit(batchSize);
  if (position.cursor !== undefined) query.start(position.cursor);
  const [entities, info] = await withRetry(target.datastore, 'purge query', retry, () =>
    target.datastore.runQuery(query, { gaxOptions: callOptions(retry) }),
  );
  const found: unknown[] = entities;
  const keys = found.map(keyOfEntity);
  const more = keys.length === batchSize && info.moreResults !== 'NO_MORE_RESULTS' && info.endCursor !== undefined;
  return { keys, next: more ? { ...position, cursor: info.endCursor } : undefined };
}

function nextKind(position: PurgePosition, kinds: readonly string[]): PurgePosition | undefined {
  const next = kinds[kinds.indexOf(position.kind) + 1];
  return next === undefined ? undefined : { cutoff: position.cutoff, kind: next, cursor: undefined };
}
