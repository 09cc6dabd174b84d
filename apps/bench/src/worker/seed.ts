import { DEFAULT_SESSION_KIND, SESSION_UNINDEXED, sessionProperties } from '@gaesession/persistence';
import type { Datastore, Key } from './context.js';
import { benchKey, changeEvent } from './workload.js';

/** Entities per upsert call: Datastore's mutation limit. */
const SEED_BATCH = 500;
/** Upsert calls in flight while seeding. */
const SEED_CONCURRENCY = 4;
/** Seeded sessions were last used this long ago, ms: with their 30-minute timeout, expired an hour ago. */
const SEED_AGE_MS = 90 * 60_000;

/** The Session keys of `count` expired sessions of `seed`, `batch` per call. */
export function expiredBatches(
  datastore: Datastore,
  namespace: string,
  seed: string,
  count: number,
  batch = SEED_BATCH,
): Key[][] {
  const batches: Key[][] = [];
  for (let start = 0; start < count; start += batch) {
    batches.push(
      Array.from({ length: Math.min(batch, count - start) }, (_, offset) =>
        datastore.key({ namespace, path: [DEFAULT_SESSION_KIND, benchKey(seed, start + offset)] }),
      ),
    );
  }
  return batches;
}

/**
 * Writes `count` expired Session entities (the worker's own `sessionProperties`, `expiresAt` an
 * hour ago) with plain batched upserts, `SEED_CONCURRENCY` calls at a time; returns the ms taken.
 */
export async function seedExpired(
  datastore: Datastore,
  namespace: string,
  seed: string,
  count: number,
): Promise<number> {
  const started = performance.now();
  const past = Date.now() - SEED_AGE_MS;
  const batches = expiredBatches(datastore, namespace, seed, count);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
      await datastore.upsert(
        batch.map((key) => ({
          key,
          data: sessionProperties(changeEvent(key.name ?? '', 1, past)),
          excludeFromIndexes: [...SESSION_UNINDEXED],
        })),
      );
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, lane));
  return performance.now() - started;
}
