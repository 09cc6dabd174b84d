import { DEFAULT_SESSION_KIND, purgeExpired, purgeExpiredOneByOne } from '@gaesession/persistence';
import { withNamespace, type RunContext } from './context.js';
import { expiredBatches, seedExpired } from './seed.js';

/** `batched`: this worker's `purgeExpired` (500 keys a page, 4 deletes in flight); `one-by-one`: the seed's (100, one at a time). */
export type PurgeAlgorithm = 'batched' | 'one-by-one';

export interface PurgeMeasurement {
  readonly algorithm: PurgeAlgorithm;
  readonly seeded: number;
  readonly seedMs: number;
  readonly deleted: number;
  readonly elapsedMs: number;
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
    const target = { datastore, namespace, budgetMs: NO_BUDGET_MS };
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
    return { algorithm, seeded: count, seedMs, deleted: result.deleted, elapsedMs };
  });
}

/** The emulator's own speed, keys per second, for the calls the two purges make. */
export interface EmulatorSpeed {
  /** Keys-only `expiresAt <` query pages of 500 (the batched purge's reads), one at a time. */
  readonly query500: number;
  /** The same with pages of 100 (the seed's). */
  readonly query100: number;
  /** Delete calls of 500 keys, one at a time. */
  readonly delete500: number;
  /** Delete calls of 500 keys, four in flight (the batched purge's deletes). */
  readonly delete4x500: number;
  /** Delete calls of 100 keys, one at a time (the seed's). */
  readonly delete100: number;
}

/**
 * Times the emulator's raw queries and deletes, without the purge around them, on `keys` freshly
 * seeded expired sessions per shape: the ceiling any purge meets on this emulator.
 */
export async function measureEmulatorSpeed(ctx: RunContext, keys: number): Promise<EmulatorSpeed> {
  return withNamespace(ctx, 'emulator-speed', async (datastore, namespace) => {
    const seeded = async (shape: string): Promise<string> => {
      const seed = ctx.name(shape);
      await seedExpired(datastore, namespace, seed, keys);
      return seed;
    };
    const perSecond = async (work: () => Promise<void>): Promise<number> => {
      const started = performance.now();
      await work();
      return (keys / (performance.now() - started)) * 1000;
    };
    const query = async (page: number): Promise<number> => {
      await seeded(`query${page}`);
      const cutoff = new Date();
      return perSecond(async () => {
        let cursor: string | undefined;
        for (let read = 0; read < keys; read += page) {
          const request = datastore
            .createQuery(namespace, DEFAULT_SESSION_KIND)
            .select('__key__')
            // The three-argument form: a PropertyFilter from this package would be the older
            // @google-cloud/datastore it also holds, which the client's instanceof check ignores.
            .filter('expiresAt', '<', cutoff)
            .limit(page);
          if (cursor !== undefined) request.start(cursor);
          const [, info] = await datastore.runQuery(request);
          cursor = info.endCursor;
        }
      });
    };
    const remove = async (batch: number, inFlight: number): Promise<number> => {
      const seed = await seeded(`delete${batch}x${inFlight}`);
      const batches = expiredBatches(datastore, namespace, seed, keys, batch);
      let next = 0;
      return perSecond(async () => {
        const lane = async (): Promise<void> => {
          for (let chunk = batches[next++]; chunk !== undefined; chunk = batches[next++]) await datastore.delete(chunk);
        };
        await Promise.all(Array.from({ length: inFlight }, lane));
      });
    };
    const speed = {
      query500: await query(500),
      query100: await query(100),
      delete500: await remove(500, 1),
      delete4x500: await remove(500, 4),
      delete100: await remove(100, 1),
    };
    ctx.log(
      `emulator: queries ${speed.query500.toFixed(0)} keys/s (pages of 500), ${speed.query100.toFixed(0)} (100); ` +
        `deletes ${speed.delete500.toFixed(0)} keys/s (500), ${speed.delete4x500.toFixed(0)} (4 x 500), ${speed.delete100.toFixed(0)} (100)`,
    );
    return speed;
  });
}
