import type { Datastore } from '@google-cloud/datastore';
import { DEFAULT_EVENT_LOG_KIND, eventFromLogEntity } from './event-log.js';
import { keyOfEntity, kindQuery } from './keys.js';
import { DatastoreRepository } from './repository.js';
import { callOptions, resolveRetry, withRetry, type RetryOptions } from './retry.js';

export interface RebuildOptions {
  datastore: Datastore;
  /** Datastore namespace of the log and the sessions. @defaultValue the default namespace */
  namespace?: string;
  /** Kind of the session entities to rebuild. @defaultValue 'Session' */
  kind?: string;
  /** Kind of the event-log entities to read. @defaultValue 'SessionEvent' */
  eventLogKind?: string;
  /** Log entities read, and applied as one batch, per page. @defaultValue 500 */
  pageSize?: number;
  /** Retries on contention and unavailability. @defaultValue see {@link RetryOptions} */
  retry?: RetryOptions;
  /** Clock in ms since the epoch, for expiry decisions. @defaultValue Date.now */
  now?: () => number;
  /** Called after each page with the totals so far (progress displays). */
  onProgress?: (sofar: Readonly<RebuildResult>) => void;
}

/** Log entities read and applied per page, by default. */
export const DEFAULT_REBUILD_PAGE_SIZE = 500;

export interface RebuildResult {
  /** Logged events read. */
  events: number;
  /** Session entities written. */
  written: number;
  /** Events that changed nothing (see {@link ApplyResult}). */
  skipped: number;
}

/**
 * Re-applies the event log page by page through the same fold and version check as
 * {@link DatastoreRepository.apply}, so it produces the Session entities a normal apply produced
 * (the fold does not depend on the order or grouping of events, and `updatedAt` is the event's
 * time). It never reverts a newer stored state; to rebuild from scratch, delete the Session
 * entities first. Throws {@link CorruptEntityError} on a log entity it cannot decode.
 */
export async function rebuildFromEventLog(options: RebuildOptions): Promise<RebuildResult> {
  const { datastore, namespace } = options;
  const logKind = options.eventLogKind ?? DEFAULT_EVENT_LOG_KIND;
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_REBUILD_PAGE_SIZE);
  const retry = resolveRetry(options.retry);
  const repository = new DatastoreRepository({
    datastore,
    ...(namespace === undefined ? {} : { namespace }),
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const result: RebuildResult = { events: 0, written: 0, skipped: 0 };
  let cursor: string | undefined;
  for (;;) {
    const query = kindQuery(datastore, namespace, logKind).limit(pageSize);
    if (cursor !== undefined) query.start(cursor);
    const [entities, info] = await withRetry(datastore, 'rebuild query', retry, () =>
      datastore.runQuery(query, { gaxOptions: callOptions(retry) }),
    );
    const page: unknown[] = entities;
    const events = page.map((entity) => eventFromLogEntity(keyOfEntity(entity).name ?? '?', entity));
    const applied = await repository.apply(events);
    result.events += events.length;
    result.written += applied.written;
    result.skipped += applied.skipped;
    options.onProgress?.({ ...result });
    cursor = info.endCursor;
    if (page.length < pageSize || info.moreResults === 'NO_MORE_RESULTS' || cursor === undefined) return result;
  }
}
