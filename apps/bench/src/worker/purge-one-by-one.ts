import { DEFAULT_SESSION_KIND, expiredKeysQuery, type PurgeResult, type PurgeTarget } from '@gaesession/persistence';

/** Keys per query and per delete in icza/gaesession's purge. */
const SEED_BATCH = 100;

/** The seed's purge budget: 8 minutes. */
const SEED_BUDGET_MS = 8 * 60 * 1000;

/**
 * The seed's purge algorithm (icza/gaesession `PurgeExpiredSessFromDSFunc`), the benchmark's
 * baseline for `purgeExpired`: per kind, query the first 100 expired keys from the start, delete
 * them, repeat until none is left; one delete at a time, the time budget checked after each
 * delete. No cursor: an unfinished run starts over next time.
 */
export async function purgeExpiredOneByOne(target: PurgeTarget): Promise<Omit<PurgeResult, 'cursor'>> {
  const { datastore, namespace } = target;
  const now = target.now ?? Date.now;
  const started = now();
  const deadline = started + (target.budgetMs ?? SEED_BUDGET_MS);
  const cutoff = started;
  const kinds = [
    target.kind ?? DEFAULT_SESSION_KIND,
    ...(target.eventLogKind === undefined ? [] : [target.eventLogKind]),
  ];
  let deleted = 0;
  for (const kind of kinds) {
    for (;;) {
      const query = expiredKeysQuery(datastore, namespace, kind, cutoff).limit(SEED_BATCH);
      const [entities] = await datastore.runQuery(query);
      const found: unknown[] = entities;
      if (found.length === 0) break;
      await datastore.delete(found.map((entity) => (entity as Record<symbol, unknown>)[datastore.KEY]));
      deleted += found.length;
      if (now() >= deadline) return { completed: false, deleted, elapsedMs: now() - started };
    }
  }
  return { completed: true, deleted, elapsedMs: now() - started };
}
