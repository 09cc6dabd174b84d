import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { eventFromWrite } from '@gaesession/events';
import { isSessionError, type SessionWrite } from '@gaesession/core';
import { Cleanup } from '@gaesession/testkit';
import { CACHES, Client, login, startHarness, type HarnessOptions } from './store.fixture.js';
import { WriteBehindStore } from '../src/write-behind-store.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const startTracked = cleanup.tracking(startHarness);

describe.each(CACHES)('WriteBehindStore on %s, BullMQ and Datastore', (cache) => {
  const harness = (options: HarnessOptions) => startTracked({ ...options, cache });

  it('keeps all 50 attributes set by 50 concurrent requests, in the cache and in Datastore', async () => {
    const h = await harness({ label: 'fifty' });
    const { client, key } = await login(h);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.call(`/set/a${i}?v=${i}`)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const { body } = await client.call('/get', 'GET');
    expect(Object.keys(body.attrs as object)).toHaveLength(50);
    // Requests of one process on one session merge into few writes (at most one per request).
    expect(body.version).toBeGreaterThan(1);
    expect(body.version).toBeLessThanOrEqual(51);
    await h.drain();
    const stored = await h.repository.load(key);
    expect(stored?.version).toBe(body.version);
    expect(Object.keys(stored?.attrs ?? {})).toHaveLength(50);
  });

  it('merges concurrent increments from two processes through compare-and-set conflicts', async () => {
    const h = await harness({ label: 'twoprocs' });
    const { key } = await login(h);
    // A second store on the same cache, queue and Datastore: another instance of the app.
    const other = new WriteBehindStore({
      cache: h.cache,
      repository: h.repository,
      publisher: h.publisher,
      metrics: h.metrics,
    });
    const increments = Array.from({ length: 60 }, async (_, i) => {
      const store = i % 2 === 0 ? h.store : other;
      const record = await store.load(key);
      if (record === undefined) throw new Error('session vanished');
      const write: SessionWrite = {
        kind: 'update',
        baseVersion: record.version,
        record: { ...record, version: record.version + 1, attrs: { ...record.attrs } },
        ops: [],
      };
      // A raw compare-and-set loop, as commitSession runs it across processes.
      for (let current = record, attempt = 0; attempt < 200; attempt++) {
        const n = typeof current.attrs.n === 'number' ? current.attrs.n : 0;
        const next = { ...current, version: current.version + 1, attrs: { ...current.attrs, n: n + 1 } };
        const result = await store.write({ ...write, baseVersion: current.version, record: next });
        if (result.ok) return;
        if (result.current === undefined) throw new Error('session vanished');
        current = result.current;
      }
      throw new Error('too many conflicts');
    });
    await Promise.all(increments);
    expect((await h.store.load(key))?.attrs.n).toBe(60);
    expect(h.metrics.get('write_conflict')).toBeGreaterThan(0);
    await h.drain();
    expect((await h.repository.load(key))?.attrs.n).toBe(60);
  });

  it('counts 100 concurrent increments exactly once each', async () => {
    const h = await harness({ label: 'hundred' });
    const { client, key } = await login(h);
    await Promise.all(Array.from({ length: 100 }, () => client.call('/incr/n')));
    expect((await client.call('/get', 'GET')).body.attrs).toEqual({ n: 100 });
    await h.drain();
    expect((await h.repository.load(key))?.attrs).toEqual({ n: 100 });
  });

  it('reads a persisted session back from Datastore after the cache lost it, but not an expired one', async () => {
    const h = await harness({ label: 'readthrough', timeout: 1500 });
    const { client, key } = await login(h);
    await client.call('/set/color?v="blue"');
    await h.drain();
    expect(await h.cache.delete(key)).toBe(true);
    const back = await client.call('/get', 'GET');
    expect(back.status).toBe(200);
    expect(back.body.attrs).toEqual({ color: 'blue' });
    expect(h.metrics.get('read_through')).toBeGreaterThan(0);
    expect(await h.cache.get(key)).toBeDefined(); // the read-through re-populated the cache

    await sleep(1600);
    await h.cache.delete(key);
    expect((await client.call('/get', 'GET')).status).toBe(401);
  });

  it('refuses an oversized session at save with a typed error and keeps the previous version', async () => {
    const h = await harness({ label: 'oversize' });
    const { client, key } = await login(h);
    await client.call('/set/small?v=1');
    await h.drain();
    const res = await client.call('/fill/big?bytes=1100000');
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'SESSION_TOO_LARGE' });
    const after = await client.call('/get', 'GET');
    expect(after.body).toMatchObject({ version: 2, attrs: { small: 1 } });
    await h.drain();
    expect((await h.repository.load(key))?.version).toBe(2);
  });

  it('changes nothing when the same event is published twice', async () => {
    const h = await harness({ label: 'twice' });
    const { client, key } = await login(h);
    await client.call('/set/a?v=1');
    await h.drain();
    const record = await h.repository.load(key);
    if (record === undefined) throw new Error('not persisted');
    const event = eventFromWrite({ kind: 'update', baseVersion: record.version - 1, record, ops: [] });
    await h.publisher.publish([event]);
    await h.publisher.publish([event]);
    await h.drain();
    expect(await h.repository.load(key)).toEqual(record);
    expect(await h.repository.apply([event])).toEqual({ written: 0, skipped: 1 });
  });

  it('makes a logout durable at once: Datastore holds the tombstone and late events cannot revive it', async () => {
    const h = await harness({ label: 'logout' });
    const { client, key } = await login(h);
    await client.call('/set/a?v=1');
    const before = await h.store.load(key);
    expect((await client.call('/logout')).status).toBe(200);
    // Before any worker ran, the tombstone is already in Datastore.
    expect(await h.repository.load(key)).toBeUndefined();
    const tombstones = await h.db.dump('Session');
    expect(tombstones.get(key)?.tombstone).toBe(true);
    await h.drain(); // the late created/updated events arrive now
    expect(await h.repository.load(key)).toBeUndefined();
    await h.cache.delete(key);
    expect(await h.store.load(key)).toBeUndefined();
    expect(before?.version).toBe(2);
    expect((await client.call('/get', 'GET')).status).toBe(401);
  });

  it('regenerate moves the data to a new key and kills the old one', async () => {
    const h = await harness({ label: 'regen' });
    const { client, key } = await login(h);
    const oldCookie = client.cookie;
    await client.call('/set/a?v=1');
    const { body } = await client.call('/regenerate');
    expect(body.key).not.toBe(key);
    expect(body.attrs).toEqual({ a: 1 });
    expect((await client.call('/get', 'GET')).body.attrs).toEqual({ a: 1 });
    const thief = new Client(h.url);
    thief.cookie = oldCookie;
    expect((await thief.call('/get', 'GET')).status).toBe(401);
    await h.drain();
    expect(await h.repository.load(key)).toBeUndefined();
    expect((await h.repository.load(String(body.key)))?.attrs).toEqual({ a: 1 });
  });

  it('in sync mode, the change is in Datastore before the response', async () => {
    const h = await harness({ label: 'sync', store: { mode: 'sync' } });
    const { client, key } = await login(h);
    await client.call('/set/a?v=7');
    expect((await h.repository.load(key))?.attrs).toEqual({ a: 7 });
  });

  it('in cache-only mode, nothing reaches Datastore or the queue', async () => {
    const h = await harness({ label: 'cacheonly', store: { mode: 'cache-only' } });
    const { client, key } = await login(h);
    await client.call('/set/a?v=7');
    expect((await client.call('/get', 'GET')).body.attrs).toEqual({ a: 7 });
    await h.drain();
    expect(await h.repository.load(key)).toBeUndefined();
    expect(h.metrics.get('events_published')).toBe(0);
    // No Datastore, so no index of principals: a clear 501, not a crash.
    await expect(h.store.listByPrincipal('ada')).rejects.toMatchObject({ code: 'SESSION_UNSUPPORTED', status: 501 });
    await expect(h.store.destroyByPrincipal('ada')).rejects.toMatchObject({ code: 'SESSION_UNSUPPORTED' });
  });

  it('rejects a configuration that cannot work', async () => {
    const h = await harness({ label: 'config' });
    expect(() => new WriteBehindStore({ cache: h.cache, mode: 'sync' })).toThrow(/needs a repository/);
    try {
      new WriteBehindStore({ cache: h.cache, repository: h.repository });
      expect.unreachable();
    } catch (error) {
      expect(isSessionError(error, 'SESSION_CONFIGURATION')).toBe(true);
    }
  });
});

describe('WriteBehindStore on Valkey: writes applied on the server', () => {
  it('applies 100 concurrent increments from two processes with no conflict and no retried write', async () => {
    const h = await startTracked({ label: 'atomic', cache: 'valkey' });
    const { key } = await login(h);
    const other = new WriteBehindStore({
      cache: h.cache,
      repository: h.repository,
      publisher: h.publisher,
      metrics: h.metrics,
    });
    const base = await h.store.load(key);
    if (base === undefined) throw new Error('no session');
    // Every write starts from the same (soon stale) base, as requests that read at once do.
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? h.store : other).write({
          kind: 'update',
          baseVersion: base.version,
          record: { ...base, version: base.version + 1, attrs: { n: 1 } },
          ops: [{ op: 'incr', name: 'n', by: 1 }],
        }),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(h.metrics.get('write_conflict')).toBe(0);
    // One script call per write: 100 versions, each answered with the record it made.
    expect(h.metrics.get('cache_update')).toBe(100);
    const versions = results.map((result) => (result.ok ? result.record?.version : undefined));
    expect(new Set(versions).size).toBe(100);
    expect((await h.store.load(key))?.attrs).toEqual({ n: 100 });
    await h.drain();
    expect((await h.repository.load(key))?.attrs).toEqual({ n: 100 });
  });

  it('falls back to compare-and-set when the cache lost the session, and still counts every increment', async () => {
    const h = await startTracked({ label: 'atomicmiss', cache: 'valkey' });
    const { client, key } = await login(h);
    await client.call('/incr/n');
    await h.drain();
    await h.cache.delete(key);
    await Promise.all(Array.from({ length: 20 }, () => client.call('/incr/n')));
    expect((await client.call('/get', 'GET')).body.attrs).toEqual({ n: 21 });
  });
});
