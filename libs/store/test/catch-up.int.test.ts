import { afterEach, describe, expect, it } from 'vitest';
import { MemcachedSessionCache } from '@gaesession/cache';
import { DatastoreRepository } from '@gaesession/persistence';
import {
  Cleanup,
  closeDatastore,
  datastoreClient,
  eventually,
  startPrivateRedis,
  testDatastore,
  type PrivateServer,
} from '@gaesession/testkit';
import { eventFromWrite } from '@gaesession/events';
import { newToken } from '@gaesession/core';
import { Client, login, startHarness, type Harness } from './store.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const harness = cleanup.tracking(startHarness);

/**
 * Waits until a request that `h`'s store serves is waiting for Datastore to catch up (it counts
 * `read_through` as it starts to), while no worker has run: then the test runs one.
 */
async function untilWaiting(h: Harness, before: number): Promise<void> {
  await eventually(() => (h.metrics.get('read_through') > before ? true : undefined), {
    what: 'the request to wait for Datastore',
  });
}

/** `repository`, with every call of its methods counted by name. */
function countingRepository(repository: DatastoreRepository): {
  repository: DatastoreRepository;
  calls: Map<string, number>;
} {
  const calls = new Map<string, number>();
  const counting = new Proxy(repository, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { repository: counting, calls };
}

/**
 * Writes the session's cached first version to Datastore, as the worker would, without starting
 * one: later events stay queued. Only a session Datastore already holds is waited for after a
 * cache loss.
 */
async function persistCreation(h: Harness, key: string): Promise<void> {
  const entry = (await h.cache.get(key))?.entry;
  if (entry === undefined || !('record' in entry)) throw new Error(`no cached record for ${key}`);
  const { record } = entry;
  await h.repository.apply([eventFromWrite({ kind: 'create', baseVersion: 0, record, ops: [] })]);
}

describe('after a cache loss, reads never go back to older state', () => {
  it('waits for queued events to reach Datastore and answers with the newest version', async () => {
    // A wait longer than the test: only the drain can end it.
    const h = await harness({ label: 'catchup', store: { catchUpTimeoutMs: 120_000 } });
    const { client, key } = await login(h);
    await persistCreation(h, key); // Datastore knows the session (version 1); no worker runs
    await client.call('/set/a?v=1');
    await client.call('/set/a?v=2'); // version 3, still in the queue: no worker has run
    await h.cache.delete(key);
    const before = h.metrics.get('read_through');
    const reading = client.call('/get', 'GET');
    await untilWaiting(h, before);
    expect((await h.repository.load(key))?.version).toBe(1);
    await h.drain();
    const read = await reading;
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ version: 3, attrs: { a: 2 } });
  });

  it('answers 503 SESSION_UNAVAILABLE, not older state, when Datastore does not catch up in time', async () => {
    const h = await harness({ label: 'unavailable', store: { catchUpTimeoutMs: 300 } });
    const { client, key } = await login(h);
    await persistCreation(h, key);
    await client.call('/set/a?v=1');
    await h.cache.delete(key);
    const read = await client.call('/get', 'GET');
    expect(read.status).toBe(503);
    await h.drain();
    expect((await client.call('/get', 'GET')).body).toMatchObject({ version: 2, attrs: { a: 1 } });
  });

  it('knows a new session from its first answer: after a cache loss it waits for the queue, never logs out', async () => {
    // The login's own Datastore write may take its time on a busy machine: it must not fall back to the queue.
    const h = await harness({ label: 'created', store: { catchUpTimeoutMs: 300, createTimeoutMs: 60_000 } });
    // No worker runs: only the create itself reached Datastore, in the login request.
    const { client, key } = await login(h);
    expect((await h.repository.load(key))?.version).toBe(1);
    expect(h.metrics.get('created_durable')).toBe(1);
    await client.call('/set/a?v=1');
    await h.cache.delete(key);
    expect((await client.call('/get', 'GET')).status).toBe(503);
    await h.drain();
    expect((await client.call('/get', 'GET')).body).toMatchObject({ version: 2, attrs: { a: 1 } });
  });

  it('creates through the queue when Datastore does not answer, and the create still becomes durable', async () => {
    const unreachable = datastoreClient('127.0.0.1:1');
    cleanup.add(() => closeDatastore(unreachable));
    const repository = new DatastoreRepository({ datastore: unreachable, namespace: 'unreachable' });
    const h = await harness({ label: 'createqueued', store: { repository, createTimeoutMs: 300 } });
    const { key } = await login(h);
    expect(h.metrics.get('degraded_create_queued')).toBe(1);
    expect(h.metrics.get('created_durable')).toBe(0);
    expect(await h.repository.load(key)).toBeUndefined();
    await h.drain();
    expect((await h.repository.load(key))?.version).toBe(1);
  });

  it('answers no session at once for a key Datastore never heard of, whatever version the cookie claims', async () => {
    // Waiting would mean reading Datastore again and again until the catch-up timeout, then 503:
    // "at once" is one read of Datastore per request.
    const db = testDatastore('unknown-db');
    cleanup.add(() => db.close());
    const { repository, calls } = countingRepository(
      new DatastoreRepository({ datastore: db.datastore, namespace: db.namespace }),
    );
    const h = await harness({ label: 'unknown', store: { repository, catchUpTimeoutMs: 3000, durableCreate: false } });
    // Created with durableCreate off, its events all still queued, its cache entry lost: it
    // cannot be told from a forgery.
    const { client, key } = await login(h);
    expect(await repository.load(key)).toBeUndefined();
    await client.call('/set/a?v=1');
    await h.cache.delete(key);
    const inspectsBefore = calls.get('inspect') ?? 0;
    const read = await client.call('/get', 'GET');
    expect(read.status).toBe(401);
    expect(client.cookie).toBe('sessid='); // cleared
    // A forged token with a version hint: the same, at once.
    const forged = new Client(h.url);
    forged.cookie = `sessid=${newToken()}~7`;
    expect((await forged.call('/get', 'GET')).status).toBe(401);
    expect((calls.get('inspect') ?? 0) - inspectsBefore).toBe(2);
  });

  it('replaces a cached copy older than the version the client was shown', async () => {
    const h = await harness({ label: 'stale' });
    const { client, key } = await login(h);
    await client.call('/set/a?v=1');
    const old = await h.cache.get(key);
    await client.call('/set/a?v=2');
    await h.drain();
    await h.cache.set(key, old!.entry!, 60); // the cache went back in time (a partition healed, say)
    expect((await client.call('/get', 'GET')).body).toMatchObject({ version: 3, attrs: { a: 2 } });
    expect((await h.cache.get(key))?.entry).toMatchObject({ record: { version: 3 } });
  });

  it('a write after a cache loss builds on the newest version, not on what Datastore had', async () => {
    const h = await harness({ label: 'writeafter', store: { catchUpTimeoutMs: 120_000 } });
    const { client, key } = await login(h);
    await persistCreation(h, key);
    await client.call('/incr/n');
    await client.call('/incr/n'); // n = 2 at version 3, queued
    await h.cache.delete(key);
    const before = h.metrics.get('read_through');
    const writing = client.call('/incr/n');
    await untilWaiting(h, before);
    expect((await h.repository.load(key))?.version).toBe(1);
    await h.drain();
    expect((await writing).body).toMatchObject({ version: 4, attrs: { n: 3 } });
    await h.drain();
    expect((await h.repository.load(key))?.attrs).toEqual({ n: 3 });
  });
});

describe('degraded paths', () => {
  let redis: PrivateServer | undefined;
  afterEach(async () => {
    await redis?.stop();
  });

  it('with its Redis down, a write falls back to Datastore synchronously and is counted', async () => {
    redis = await startPrivateRedis();
    const h = await harness({ label: 'noredis', redis: { host: '127.0.0.1', port: redis.port } });
    const { client, key } = await login(h);
    await redis.stop();
    const write = await client.call('/set/a?v=9');
    expect(write.status).toBe(200);
    expect((await h.repository.load(key))?.attrs).toEqual({ a: 9 });
    expect(h.metrics.get('degraded_queue_fallback')).toBeGreaterThan(0);
  });

  it('with onQueueFailure "fail", the same write fails with QUEUE_UNAVAILABLE', async () => {
    redis = await startPrivateRedis();
    const h = await harness({
      label: 'noredisfail',
      redis: { host: '127.0.0.1', port: redis.port },
      store: { onQueueFailure: 'fail' },
    });
    const { client } = await login(h);
    await redis.stop();
    const write = await client.call('/set/a?v=9');
    expect(write.status).toBe(503);
    expect(write.body.error).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });

  it('with the cache unreachable, reads and writes go to Datastore directly', async () => {
    const dead = cleanup.track(new MemcachedSessionCache({ servers: '127.0.0.1:1', keyPrefix: 'x:' }));
    const h = await harness({ label: 'nocache', store: { cache: dead } });
    const { client, key } = await login(h);
    expect(client.cookie).toBeDefined();
    expect((await client.call('/incr/n')).body).toMatchObject({ attrs: { n: 1 } });
    expect((await h.repository.load(key))?.attrs).toEqual({ n: 1 });
    expect((await client.call('/get', 'GET')).body).toMatchObject({ attrs: { n: 1 } });
    expect(h.metrics.get('degraded_cache_unavailable')).toBeGreaterThan(0);
  });
});
