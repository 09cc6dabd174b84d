import { PropertyFilter, type Datastore } from '@google-cloud/datastore';
import type { ListOptions, PrincipalSession, PrincipalSessionPage } from '@gaesession/core';
import { keyOfEntity, kindQuery } from './keys.js';
import { readStoredSession, recordFromData } from './model.js';
import { callOptions, withRetry, type ResolvedRetry } from './retry.js';

/** Sessions listed per page by default. */
export const DEFAULT_LIST_LIMIT = 100;

/** Where a principal's sessions are looked up. */
export interface PrincipalIndexTarget {
  readonly datastore: Datastore;
  readonly namespace: string | undefined;
  readonly kind: string;
  readonly retry: ResolvedRetry;
}

/**
 * A page of the live sessions of `principal`: the `Session` entities whose indexed `principal`
 * property equals it (an equality filter on one property: the built-in index serves it, strongly
 * consistent in Firestore in Datastore mode). Tombstones carry no principal, so an ended session
 * is never listed; expired ones are left out here and removed from the index by the purge.
 */
export async function listByPrincipal(
  target: PrincipalIndexTarget,
  principal: string,
  now: number,
  options: ListOptions = {},
): Promise<PrincipalSessionPage> {
  const { datastore, retry } = target;
  const limit = Math.min(500, Math.max(1, options.limit ?? DEFAULT_LIST_LIMIT));
  const query = kindQuery(datastore, target.namespace, target.kind)
    .filter(new PropertyFilter('principal', '=', principal))
    .limit(limit);
  if (options.cursor !== undefined) query.start(options.cursor);
  const [entities, info] = await withRetry(datastore, 'list by principal', retry, () =>
    datastore.runQuery(query, { gaxOptions: callOptions(retry) }),
  );
  const page: unknown[] = entities;
  const sessions = page.flatMap((entity): PrincipalSession[] => {
    const key = keyOfEntity(entity).name ?? '';
    const stored = readStoredSession(key, entity);
    if (stored.tombstone || stored.expiresAt <= now) return [];
    const { created, accessed, constants } = recordFromData(key, stored);
    return [{ key, created, accessed, expiresAt: stored.expiresAt, constants }];
  });
  const cursor = info.endCursor;
  const more = page.length === limit && info.moreResults !== 'NO_MORE_RESULTS' && cursor !== undefined;
  return more ? { sessions, cursor } : { sessions };
}
