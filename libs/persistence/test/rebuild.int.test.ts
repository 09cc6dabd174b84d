import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { destroyEvent, liveEvent, newKey, testDatastore, type TestDatastore } from '@gaesession/testkit';
import { rebuildFromEventLog } from '../src/rebuild.js';
import { DatastoreRepository } from '../src/repository.js';

let t: TestDatastore;

beforeEach(() => {
  t = testDatastore('rebuild');
});

afterEach(async () => {
  await t.close();
});

describe('rebuildFromEventLog', () => {
  it('produces the same Session entities as the normal apply did', async () => {
    const repo = new DatastoreRepository({
      datastore: t.datastore,
      namespace: t.namespace,
      eventLog: { retentionMs: 3_600_000 },
    });
    const [a, b, c, d] = [newKey(), newKey(), newKey(), newKey()];
    // Several batches, out of order, with duplicates, destroys and late events behind a tombstone.
    await repo.apply([liveEvent(a, 1, { n: 1 }), liveEvent(b, 2, { b: 2 }), liveEvent(b, 1, {})]);
    await repo.apply([liveEvent(a, 3, { n: 3 }), liveEvent(a, 2, { n: 2 }), liveEvent(c, 1, { c: true })]);
    await repo.apply([destroyEvent(c, 2), liveEvent(a, 3, { n: 3 }), liveEvent(d, 1, { d: [1, 2] })]);
    await repo.apply([liveEvent(c, 5, { late: true }), liveEvent(d, 2, { d: [3] }), liveEvent(b, 1, {})]);
    const applied = await t.dump('Session');
    expect(applied.size).toBe(4);
    expect(applied.get(c)).toMatchObject({ tombstone: true, version: 2 });

    await t.datastore.delete(
      [...applied.keys()].map((name) => t.datastore.key({ namespace: t.namespace, path: ['Session', name] })),
    );
    expect((await t.dump('Session')).size).toBe(0);

    // A small page size makes the rebuild fold the log in several batches.
    const result = await rebuildFromEventLog({ datastore: t.datastore, namespace: t.namespace, pageSize: 3 });
    expect(result.events).toBe(10); // distinct events: the log keeps duplicates once
    expect(result.written).toBeGreaterThanOrEqual(4);
    expect(await t.dump('Session')).toEqual(applied);
    // Rebuilding over the current state changes nothing.
    expect((await rebuildFromEventLog({ datastore: t.datastore, namespace: t.namespace })).written).toBe(0);
  });
});
