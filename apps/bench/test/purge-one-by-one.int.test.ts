import { sessionProperties, SESSION_UNINDEXED } from '@gaesession/persistence';
import { destroyEvent, liveEvent, newKey, testDatastore, type TestDatastore } from '@gaesession/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeExpiredOneByOne } from '../src/worker/purge-one-by-one.js';

let t: TestDatastore;

beforeEach(() => {
  t = testDatastore('purge-seed');
});

afterEach(async () => {
  await t.close();
});

/** Saves `expired` expired and `live` live Session entities (a fifth of each are tombstones). */
async function seedSessions(expired: number, live: number): Promise<Set<string>> {
  const now = Date.now();
  const make = (count: number, at: number) =>
    Array.from({ length: count }, (_, i) =>
      i % 5 === 0 ? destroyEvent(newKey(), 2, { at }) : liveEvent(newKey(), 1, {}, { at }),
    );
  const dead = make(expired, now - 7_200_000);
  const alive = make(live, now);
  const entities = [...dead, ...alive].map((event) => ({
    key: t.datastore.key({ namespace: t.namespace, path: ['Session', event.key] }),
    data: sessionProperties(event),
    excludeFromIndexes: [...SESSION_UNINDEXED],
  }));
  await t.datastore.save(entities);
  return new Set(alive.map((event) => event.key));
}

describe('purgeExpiredOneByOne (the seed algorithm, the benchmark baseline)', () => {
  it('deletes exactly the expired entities, 100 at a time, and stops at its budget', async () => {
    const live = await seedSessions(130, 4);
    const cut = await purgeExpiredOneByOne({ datastore: t.datastore, namespace: t.namespace, budgetMs: 0 });
    expect(cut).toMatchObject({ completed: false, deleted: 100 });
    const rest = await purgeExpiredOneByOne({ datastore: t.datastore, namespace: t.namespace });
    expect(rest).toMatchObject({ completed: true, deleted: 30 });
    expect(new Set((await t.dump('Session')).keys())).toEqual(live);
  });
});
