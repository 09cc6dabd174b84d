import type { Datastore, Query } from '@google-cloud/datastore';
import { callOptions, resolveRetry, withRetry, type RetryOptions } from './retry.js';

export interface CountOptions {
  /** Keys read per query page. @defaultValue 1000 */
  pageSize?: number;
  /** Retries on contention and unavailability. @defaultValue see {@link RetryOptions} */
  retry?: RetryOptions;
  /** Called after each page with the running count (progress displays). */
  onPage?: (counted: number) => void;
}

/**
 * How many entities a query matches, counted keys-only page by page (keys-only queries are
 * small operations, free of entity reads): `query()` makes a fresh query per page, which is
 * started at the previous page's cursor. How the admin CLI sizes a purge, a rebuild or the dead
 * letters. Throws `DatastoreUnavailableError` when Datastore stays unreachable.
 */
export async function countKeys(datastore: Datastore, query: () => Query, options: CountOptions = {}): Promise<number> {
  const pageSize = Math.max(1, options.pageSize ?? 1000);
  const retry = resolveRetry(options.retry);
  let counted = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = query().select('__key__').limit(pageSize);
    if (cursor !== undefined) page.start(cursor);
    const [entities, info] = await withRetry(datastore, 'count', retry, () =>
      datastore.runQuery(page, { gaxOptions: callOptions(retry) }),
    );
    const found: unknown[] = entities;
    counted += found.length;
    options.onPage?.(counted);
    cursor = info.endCursor;
    if (found.length < pageSize || info.moreResults === 'NO_MORE_RESULTS' || cursor === undefined) return counted;
  }
}
