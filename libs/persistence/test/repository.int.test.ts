import type { SessionEvent } from '@gaesession/events';
import { isSessionError, type SessionWrite } from '@gaesession/core';
import {
  closeDatastore,
  datastoreClient,
  destroyEvent,
  freePort,
  liveEvent,
  newKey,
  testDatastore,
  type TestDatastore,
} from '@gaesession/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatastoreRepository } from '../src/repository.js';

let t: TestDatastore;
let repo: DatastoreRepository;

beforeEach(() => {
  t = testDatastore('repo');
  repo = new DatastoreRepository({ datastore: t.datastore, namespace: t.namespace });
});

afterEach(async () => {
  await t.close();
});

describe('DatastoreRepository.apply', () => {
  it('leaves the newest state after duplicates, out-of-order delivery and late older events', async () => {
    const key = newKey();
    expect(await repo.apply([liveEvent(key, 1, { n: 1 })])).toEqual({ written: 1, skipped: 0 });
    expect(await repo.apply([liveEvent(key, 1, { n: 1 })])).toEqual({ written: 0, skipped: 1 });
    await repo.apply([liveEvent(key, 3, { n: 3 })]);
    expect(await repo.apply([liveEvent(key, 2, { n: 2 })])).toEqual({ written: 0, skipped: 1 });
    expect((await repo.load(key))?.attrs).toEqual({ n: 3 });
    // One batch, out of order: only the newest is written.
    expect(await repo.apply([liveEvent(key, 5, { n: 5 }), liveEvent(key, 4, { n: 4 }), liveEvent(key, 2, {})])).toEqual(
      {
        written: 1,
        skipped: 2,
      },
    );
    const record = await repo.load(key);
    expect(record?.version).toBe(5);
    expect(record?.attrs).toEqual({ n: 5 });
  });

  it('keeps a destroyed session destroyed, whatever version arrives later', async () => {
    const key = newKey();
    await repo.apply([liveEvent(key, 1, {}), liveEvent(key, 2, { user: 'ann' })]);
    expect(await repo.apply([destroyEvent(key, 3)])).toEqual({ written: 1, skipped: 0 });
    expect(await repo.load(key)).toBeUndefined();
    for (const late of [
      liveEvent(key, 2, { user: 'ann' }),
      liveEvent(key, 9, { user: 'eve' }),
      destroyEvent(key, 12),
    ]) {
      expect(await repo.apply([late])).toEqual({ written: 0, skipped: 1 });
    }
    expect(await repo.load(key)).toBeUndefined();
    const stored = (await t.dump('Session')).get(key);
    expect(stored).toMatchObject({ tombstone: true, version: 3 });
    expect(stored).not.toHaveProperty('data');
  });

  it('lets a destroy win over a newer live version in the same batch', async () => {
    const key = newKey();
    await repo.apply([liveEvent(key, 4, {}), destroyEvent(key, 2), liveEvent(key, 6, {})]);
    expect(await repo.load(key)).toBeUndefined();
  });

  it('converges to the highest version when two workers apply interleaved versions at once', async () => {
    const other = datastoreClient();
    const second = new DatastoreRepository({ datastore: other, namespace: t.namespace });
    const keys = Array.from({ length: 8 }, newKey);
    const batch = (version: number): SessionEvent[] => keys.map((key) => liveEvent(key, version, { v: version }));
    const run = async (worker: DatastoreRepository, versions: number[]): Promise<void> => {
      for (const version of versions) await worker.apply(batch(version));
    };
    try {
      await Promise.all([run(repo, [1, 3, 5, 7, 9, 11]), run(second, [12, 2, 10, 4, 8, 6])]);
    } finally {
      await closeDatastore(other);
    }
    for (const key of keys) {
      const record = await repo.load(key);
      expect(record?.version).toBe(12);
      expect(record?.attrs).toEqual({ v: 12 });
    }
  });

  it('applies a 1200-event batch across keys in chunked commits, with its event log', async () => {
    const logged = new DatastoreRepository({ datastore: t.datastore, namespace: t.namespace, eventLog: {} });
    const keys = Array.from({ length: 700 }, newKey);
    const events = keys.flatMap((key, i) =>
      i < 500 ? [liveEvent(key, 1, {}), liveEvent(key, 2, { i })] : [liveEvent(key, 1, { i })],
    );
    expect(events).toHaveLength(1200);
    expect(await logged.apply(events)).toEqual({ written: 700, skipped: 500 });
    const sessions = await t.dump('Session');
    expect(sessions.size).toBe(700);
    expect(sessions.get(keys[10] as string)).toMatchObject({ version: 2 });
    expect((await t.dump('SessionEvent')).size).toBe(1200);
    // Applying it all again changes nothing and does not fail on the insert-only log.
    expect(await logged.apply(events)).toEqual({ written: 0, skipped: 1200 });
  });

  it('does not write a snapshot that has already expired', async () => {
    const key = newKey();
    const expired = liveEvent(key, 1, {}, { at: Date.now() - 10_000, timeout: 5_000 });
    expect(await repo.apply([expired])).toEqual({ written: 0, skipped: 1 });
    expect((await t.dump('Session')).size).toBe(0);
  });

  it('load() hides expired and tombstoned sessions but returns live ones whole', async () => {
    let clock = Date.now();
    const timed = new DatastoreRepository({ datastore: t.datastore, namespace: t.namespace, now: () => clock });
    const live = liveEvent(newKey(), 2, { cart: ['a'] }, { at: clock, timeout: 60_000 });
    const gone = newKey();
    await timed.apply([live, liveEvent(gone, 1, {}, { at: clock }), destroyEvent(gone, 2, { at: clock })]);
    expect(await timed.load(live.key)).toEqual({ key: live.key, version: 2, ...live.snapshot });
    expect(await timed.load(gone)).toBeUndefined();
    expect(await timed.load(newKey())).toBeUndefined();
    clock += 60_000;
    expect(await timed.load(live.key)).toBeUndefined();
    expect((await t.dump('Session')).get(live.key)).toMatchObject({ version: 2, tombstone: false });
  });

  it('stores data unindexed and expiresAt as a timestamp (for the purge and a TTL policy)', async () => {
    const key = newKey();
    await repo.apply([liveEvent(key, 1, { big: 'x'.repeat(5000) })]);
    const stored = (await t.dump('Session')).get(key);
    expect(stored?.expiresAt).toBeInstanceOf(Date);
    expect(typeof stored?.data).toBe('string');
  });
});

describe('DatastoreRepository.write', () => {
  const write = (key: string, baseVersion: number, attrs = {}): SessionWrite => ({
    kind: baseVersion === 0 ? 'create' : 'update',
    baseVersion,
    ops: [],
    record: {
      key,
      version: baseVersion + 1,
      created: Date.now(),
      accessed: Date.now(),
      timeout: 60_000,
      constants: {},
      attrs,
    },
  });

  it('is a compare-and-set on the version, refused after a destroy', async () => {
    const key = newKey();
    expect(await repo.write(write(key, 0, { a: 1 }))).toEqual({ ok: true });
    const conflict = await repo.write(write(key, 0));
    expect(conflict.ok).toBe(false);
    expect(conflict.ok ? undefined : conflict.current?.attrs).toEqual({ a: 1 });
    expect(await repo.write(write(key, 1, { a: 2 }))).toEqual({ ok: true });
    expect((await repo.load(key))?.attrs).toEqual({ a: 2 });
    await repo.apply([destroyEvent(key, 3)]);
    expect(await repo.write(write(key, 2))).toEqual({ ok: false, current: undefined });
  });
});

describe('DatastoreRepository.destroy', () => {
  it('writes a tombstone that outlives the session by its own timeout, in one transaction', async () => {
    const key = newKey();
    const now = Date.now();
    await repo.apply([liveEvent(key, 2, { a: 1 }, { at: now, timeout: 7_200_000 })]);
    expect(await repo.destroy(key, { now, fallbackTimeoutMs: 60_000 })).toEqual({ ok: true });
    const stored = (await t.dump('Session')).get(key);
    expect(stored).toMatchObject({ tombstone: true, version: Number.MAX_SAFE_INTEGER });
    expect((stored?.expiresAt as Date).getTime()).toBe(now + 7_200_000);
    expect(await repo.inspect(key)).toEqual({ state: 'destroyed', version: Number.MAX_SAFE_INTEGER });
    // Unknown to Datastore: the caller's timeout.
    const unknown = newKey();
    await repo.destroy(unknown, { now, fallbackTimeoutMs: 60_000 });
    expect(((await t.dump('Session')).get(unknown)?.expiresAt as Date).getTime()).toBe(now + 60_000);
  });

  it('with baseVersion, lets a newer stored version win and writes nothing', async () => {
    const key = newKey();
    await repo.apply([liveEvent(key, 3, { a: 3 })]);
    const refused = await repo.destroy(key, { now: Date.now(), fallbackTimeoutMs: 60_000, baseVersion: 2 });
    expect(refused).toMatchObject({ ok: false, current: { version: 3, attrs: { a: 3 } } });
    expect((await repo.load(key))?.version).toBe(3);
    expect(await repo.destroy(key, { now: Date.now(), fallbackTimeoutMs: 60_000, baseVersion: 3 })).toEqual({
      ok: true,
    });
    expect(await repo.load(key)).toBeUndefined();
  });
});

describe('when Datastore is unreachable', () => {
  it('fails with DATASTORE_UNAVAILABLE after bounded retries', async () => {
    const port = await freePort();
    const datastore = datastoreClient(`127.0.0.1:${port}`);
    const down = new DatastoreRepository({ datastore, retry: { attempts: 2, baseDelayMs: 1, callTimeoutMs: 1000 } });
    try {
      const started = Date.now();
      for (const call of [() => down.apply([liveEvent(newKey(), 1, {})]), () => down.load(newKey())]) {
        const error: unknown = await call().catch((caught: unknown) => caught);
        expect(isSessionError(error, 'DATASTORE_UNAVAILABLE')).toBe(true);
      }
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await closeDatastore(datastore);
    }
  });
});
