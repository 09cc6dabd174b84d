import { purgeExpired } from '@gaesession/persistence';
import { purgeExpiredOneByOne } from './purge-one-by-one.js';
import { withNamespace, type RunContext } from './context.js';
import { expiredBatches, seedExpired } from './seed.js';
import { timedClient, type CallTimes } from './timed-client.js';

/** `batched`: this worker's `purgeExpired` (500 keys a page, 4 deletes in flight); `one-by-one`: the seed's (100, one at a time). */
export type PurgeAlgorithm = 'batched' | 'one-by-one';

export interface PurgeMeasurement {
  readonly algorithm: PurgeAlgorithm;
  readonly seeded: number;
  readonly seedMs: number;
  readonly deleted: number;
  readonly elapsedMs: number;
  /** The purge's page queries. */
  readonly queries: CallTimes;
  /** The purge's delete calls. */
  readonly deletes: CallTimes;
}

/** Budget of a measured purge, ms: far beyond any run here, so the purge always completes. */
const NO_BUDGET_MS = 3_600_000;

/** Seeds `count` expired sessions in a fresh namespace and times one purge of them. */
export async function measurePurge(
  ctx: RunContext,
  algorithm: PurgeAlgorithm,
  count: number,
): Promise<PurgeMeasurement> {
  return withNamespace(ctx, `purge-${algorithm}`, async (datastore, namespace) => {
    const seedMs = await seedExpired(datastore, namespace, ctx.name(`purge-${algorithm}`), count);
    ctx.log(`purge ${algorithm}: seeded ${count} expired sessions in ${(seedMs / 1000).toFixed(1)} s`);
    const timed = timedClient(datastore);
    const target = { datastore: timed.datastore, namespace, budgetMs: NO_BUDGET_MS };
    const started = performance.now();
    const result =
      algorithm === 'batched'
        ? await purgeExpired({ ...target, batchSize: 500, concurrency: 4 })
        : await purgeExpiredOneByOne(target);
    const elapsedMs = performance.now() - started;
    if (!result.completed || result.deleted !== count) {
      throw new Error(`purge ${algorithm}: deleted ${result.deleted} of ${count} (completed: ${result.completed})`);
    }
    ctx.log(`purge ${algorithm}: deleted ${result.deleted} in ${(elapsedMs / 1000).toFixed(1)} s`);
    const { runQuery: queries, delete: deletes } = timed.times();
    return { algorithm, seeded: count, seedMs, deleted: result.deleted, elapsedMs, queries, deletes };
  });
}

/** The emulator's own delete speed, keys per second, for the calls the two purges make. */
export interface DeleteSpeed {
  /** Delete calls of 500 keys, one at a time. */
  readonly delete500: number;
  /** Delete calls of 500 keys, four in flight (the batched purge's deletes). */
  readonly delete4x500: number;
  /** Delete calls of 100 keys, one at a time (the seed's). */
  readonly delete100: number;
}

/**
 * Times raw `datastore.delete` calls, with no query around them, on `keys` freshly seeded expired
 * sessions per shape: the ceiling any purge meets on this emulator.
 */
export async function measureDeleteSpeed(ctx: RunContext, keys: number): Promise<DeleteSpeed> {
  return withNamespace(ctx, 'delete-speed', async (datastore, namespace) => {
    const rate = async (batch: number, inFlight: number): Promise<number> => {
      const seed = ctx.name(`delete-${batch}x${inFlight}`);
      await seedExpired(datastore, namespace, seed, keys);
      const batches = expiredBatches(datastore, namespace, seed, keys, batch);
      let next = 0;
      const lane = async (): Promise<void> => {
        for (let chunk = batches[next++]; chunk !== undefined; chunk = batches[next++]) await datastore.delete(chunk);
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: inFlight }, lane));
      return (keys / (performance.now() - started)) * 1000;
    };
    const speed = { delete500: await rate(500, 1), delete4x500: await rate(500, 4), delete100: await rate(100, 1) };
    ctx.log(
      `raw deletes: ${speed.delete500.toFixed(0)} keys/s (500 a call), ${speed.delete4x500.toFixed(0)} (500, 4 in flight), ${speed.delete100.toFixed(0)} (100)`,
    );
    return speed;
  });
}
