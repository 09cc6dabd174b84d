import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { destroyEvent, liveEvent, newKey, testDatastore, type TestDatastore } from '@gaesession/testkit';
import { EVENT_LOG_UNINDEXED, eventLogProperties } from '../src/event-log.js';
import { SESSION_UNINDEXED, sessionProperties } from '../src/model.js';
import { purgeExpired } from '../src/purge.js';

let t: TestDatastore;

beforeEach(() => {
  t = testDatastore('purge');
});

afterEach(async () => {
  await t.close();
});

const HOUR = 3_600_000;

/** Saves `expired` expired and `live` live Session entities (a fifth of each are tombstones). */
async function seedSessions(expired: number, live: number): Promise<Set<string>> {
  const now = Date.now();
  const make = (count: number, at: number): ReturnType<typeof liveEvent>[] =>
    Array.from({ length: count }, (_, i) =>
      i % 5 === 0 ? destroyEvent(newKey(), 2, { at }) : liveEvent(newKey(), 1, {}, { at }),
    );
  const dead = make(expired, now - 2 * HOUR);
  const alive = make(live, now);
  const entities = [...dead, ...alive].map((event) => ({
    key: t.datastore.key({ namespace: t.namespace, path: ['Session', event.key] }),
    data: sessionProperties(event),
    excludeFromIndexes: [...SESSION_UNINDEXED],
  }));
  for (let i = 0; i < entities.length; i += 500) await t.datastore.save(entities.slice(i, i + 500));
  return new Set(alive.map((event) => event.key));
}

async function sessionNames(): Promise<Set<string>> {
  return new Set((await t.dump('Session')).keys());
}

describe('purgeExpired', () => {
  it('deletes exactly the expired sessions and tombstones', async () => {
    const live = await seedSessions(57, 13);
    const result = await purgeExpired({
      datastore: t.datastore,
      namespace: t.namespace,
      batchSize: 10,
      concurrency: 3,
    });
    expect(result).toMatchObject({ completed: true, deleted: 57 });
    expect(result.cursor).toBeUndefined();
    expect(await sessionNames()).toEqual(live);
  });

  it('stops at its time budget with a cursor, and a second run with the cursor finishes', async () => {
    const live = await seedSessions(35, 5);
    const options = { datastore: t.datastore, namespace: t.namespace, batchSize: 10 };
    const first = await purgeExpired({ ...options, budgetMs: 0 });
    expect(first).toMatchObject({ completed: false, deleted: 10 });
    expect(first.cursor).toEqual(expect.any(String));
    const second = await purgeExpired({ ...options, ...(first.cursor === undefined ? {} : { cursor: first.cursor }) });
    expect(second).toMatchObject({ completed: true, deleted: 25 });
    expect(await sessionNames()).toEqual(live);
  });

  it('spares entities expired for less than the grace period', async () => {
    const live = await seedSessions(4, 3);
    const result = await purgeExpired({ datastore: t.datastore, namespace: t.namespace, graceMs: 3 * HOUR });
    expect(result).toMatchObject({ completed: true, deleted: 0 });
    expect((await sessionNames()).size).toBe(7);
    expect(await purgeExpired({ datastore: t.datastore, namespace: t.namespace, graceMs: HOUR })).toMatchObject({
      deleted: 4,
    });
    expect(await sessionNames()).toEqual(live);
  });

  /** Saves event-log entities: `old` of them past their retention, one recent; returns the recent id. */
  async function seedLog(old: number): Promise<string> {
    const recent = liveEvent(newKey(), 1, {});
    const events = [
      ...Array.from({ length: old }, () => liveEvent(newKey(), 1, {}, { at: Date.now() - 2 * HOUR })),
      recent,
    ];
    await t.datastore.save(
      events.map((event) => ({
        key: t.datastore.key({ namespace: t.namespace, path: ['SessionEvent', event.id] }),
        data: eventLogProperties(event, HOUR),
        excludeFromIndexes: [...EVENT_LOG_UNINDEXED],
      })),
    );
    return recent.id;
  }

  it('purges the event-log kind too when asked', async () => {
    await seedSessions(3, 2);
    const recent = await seedLog(1);
    const result = await purgeExpired({ datastore: t.datastore, namespace: t.namespace, eventLogKind: 'SessionEvent' });
    expect(result).toMatchObject({ completed: true, deleted: 4 });
    expect([...(await t.dump('SessionEvent')).keys()]).toEqual([recent]);
  });

  it('resumes across kinds, one page per run, until completed', async () => {
    const live = await seedSessions(5, 1);
    const recent = await seedLog(3);
    const options = { datastore: t.datastore, namespace: t.namespace, eventLogKind: 'SessionEvent', batchSize: 2 };
    let cursor: string | undefined;
    let deleted = 0;
    let runs = 0;
    for (;;) {
      const result = await purgeExpired({ ...options, budgetMs: 0, ...(cursor === undefined ? {} : { cursor }) });
      runs++;
      deleted += result.deleted;
      if (result.completed) break;
      cursor = result.cursor;
      expect(runs).toBeLessThan(20);
    }
    expect(deleted).toBe(8);
    expect(runs).toBeGreaterThanOrEqual(5);
    expect(await sessionNames()).toEqual(live);
    expect([...(await t.dump('SessionEvent')).keys()]).toEqual([recent]);
  });

  it('runs one purge at a time per target: a concurrent call shares the running one', async () => {
    await seedSessions(20, 0);
    const options = { datastore: t.datastore, namespace: t.namespace, batchSize: 5 };
    const first = purgeExpired(options);
    const second = purgeExpired(options);
    expect(second).toBe(first);
    expect((await second).deleted).toBe(20);
    // Once finished, a new call starts a new run.
    const third = purgeExpired(options);
    expect(third).not.toBe(first);
    expect((await third).deleted).toBe(0);
  });
});
