import { PropertyFilter } from '@google-cloud/datastore';
import { keyOfEntity, kindQuery } from './keys.js';
import { DEFAULT_PURGE_BUDGET_MS, purgeKinds, type PurgeResult, type PurgeTarget } from './purge.js';
import { callOptions, resolveRetry, withRetry } from './retry.js';

/** Keys per query and per delete in icza/gaesession's purge. */
const SEED_BATCH = 100;

/**
 * The seed's purge algorithm (icza/gaesession `PurgeExpiredSessFromDSFunc`), kept as the
 * benchmark's baseline: per kind, query the first 100 expired keys from the start, delete them,
 * repeat until none is left; one delete at a time, the time budget checked after each delete.
 * No cursor: an unfinished run starts over next time. Prefer {@link purgeExpired}.
 */
export async function purgeExpiredOneByOne(target: PurgeTarget): Promise<Omit<PurgeResult, 'cursor'>> {
  const now = target.now ?? Date.now;
  const retry = resolveRetry(target.retry);
  const started = now();
  const deadline = started + (target.budgetMs ?? DEFAULT_PURGE_BUDGET_MS);
  const cutoff = new Date(started);
  let deleted = 0;
  for (const kind of purgeKinds(target)) {
    for (;;) {
      const query = kindQuery(target.datastore, target.namespace, kind)
        .select('__key__')
        .filter(new PropertyFilter('expiresAt', '<', cutoff))
        .limit(SEED_BATCH);
      const [entities] = await withRetry('purge query', retry, () =>
        target.datastore.runQuery(query, { gaxOptions: callOptions(retry) }),
      );
      const found: unknown[] = entities;
      if (found.length === 0) break;
      const keys = found.map(keyOfEntity);
      await withRetry('purge delete', retry, () => target.datastore.delete(keys, callOptions(retry)));
      deleted += keys.length;
      if (now() >= deadline) return { completed: false, deleted, elapsedMs: now() - started };
    }
  }
  return { completed: true, deleted, elapsedMs: now() - started };
}
