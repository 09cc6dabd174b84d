// A cache that was unreachable for a while comes back with its old items, while requests wrote
// to Datastore directly meanwhile (onCacheFailure: 'datastore'). A write whose base came from
// Datastore must not take the stale cached copy for the current state.
import { afterEach, describe, expect, it } from 'vitest';
import { MemcachedSessionCache } from '@gaesession/cache';
import { eventFromWrite } from '@gaesession/events';
import { commitSession, Session } from '@gaesession/session';
import { MetricsLog, newToken, sessionKey, silentLogger, type SessionRecord } from '@gaesession/core';
import { Cleanup, eventually, freePort } from '@gaesession/testkit';
import { startHarness, type Harness } from './store.fixture.js';
import { WriteBehindStore } from '../src/write-behind-store.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const harness = cleanup.tracking(startHarness);

const quietMetrics = () => new MetricsLog({ logger: silentLogger, scope: 'store', intervalMs: 0 });

/**
 * The same store, but its memcached does not answer: every request degrades to Datastore. It
 * waits for Datastore to catch up far longer than any test takes, so a test ends that wait by an
 * event (a drain), never by the clock.
 */
async function degradedStore(h: Harness, metrics = quietMetrics()): Promise<WriteBehindStore> {
  const cache = cleanup.track(
    new MemcachedSessionCache({ servers: `127.0.0.1:${await freePort()}`, keyPrefix: h.keyPrefix, retries: 0 }),
  );
  return new WriteBehindStore({
    cache,
    repository: h.repository,
    publisher: h.publisher,
    metrics,
    catchUpTimeoutMs: 120_000,
  });
}

/** Version 1 of a new session of `token`. */
function firstVersion(token: string): SessionRecord {
  const now = Date.now();
  return {
    key: sessionKey(token),
    version: 1,
    created: now,
    accessed: now,
    timeout: 600_000,
    constants: { user: 'u' },
    attrs: {},
  };
}

/** Commits `change` on the session `token` as one request of `store` would, from `record`. */
async function request(
  store: WriteBehindStore,
  token: string,
  record: SessionRecord,
  change: (session: Session) => void,
): Promise<Session> {
  const session = Session.fromRecord(token, record);
  change(session);
  await commitSession(store, session);
  return session;
}

describe('a cache back from an outage with stale items', () => {
  it('does not make a write based on a newer Datastore version lose its change', async () => {
    const h = await harness({ label: 'stalecache' });
    const token = newToken();
    const v1 = firstVersion(token);
    expect(await h.store.write({ kind: 'create', baseVersion: 0, record: v1, ops: [] })).toEqual({ ok: true });
    // Version 2 through the normal path: cached, and durable once drained.
    const v2 = await request(h.store, token, v1, (session) => session.set('a', 2));
    expect(v2.version).toBe(2);
    await h.drain();
    // memcached stops answering: a request reads Datastore and writes version 3 there directly.
    const degraded = await degradedStore(h);
    const base = await degraded.load(v1.key, 2);
    expect(base?.version).toBe(2);
    const v3 = (await request(degraded, token, base!, (session) => session.set('a', 3))).snapshot();
    expect(v3.version).toBe(3);
    // Another request read version 3 from Datastore during the outage; memcached answers again,
    // still holding version 2, when it writes.
    const v4 = await request(h.store, token, v3, (session) => session.set('b', 4));
    await h.drain();
    const durable = await h.repository.load(v1.key);
    expect(durable?.attrs).toEqual({ a: 3, b: 4 });
    expect(durable?.version).toBe(v4.version);
    expect((await h.store.load(v1.key, v4.version))?.attrs).toEqual({ a: 3, b: 4 });
  });

  it('does not make a write during the outage build on the older state Datastore still has', async () => {
    const h = await harness({ label: 'behindstore' });
    const token = newToken();
    const v1 = firstVersion(token);
    const create = { kind: 'create', baseVersion: 0, record: v1, ops: [] } as const;
    await h.store.write(create);
    // Datastore gets version 1 as the worker would write it, but no worker runs yet.
    await h.repository.apply([eventFromWrite(create)]);
    const v2 = (await request(h.store, token, v1, (session) => session.set('a', 2))).snapshot();
    const v3 = (await request(h.store, token, v2, (session) => session.set('a', 3))).snapshot();
    // Versions 2 and 3 are cached and queued; no worker runs. A request read version 3 from the
    // cache; then memcached stops answering, and its write goes to Datastore, still at version 1.
    const metrics = quietMetrics();
    const degraded = await degradedStore(h, metrics);
    let settled = false;
    const writing = request(degraded, token, v3, (session) => session.set('b', 4)).finally(() => {
      settled = true;
    });
    // The write reads Datastore for its base and finds version 1: it waits, and the worker has not run.
    await eventually(() => (metrics.get('read_through') > 0 ? true : undefined), { what: 'the write to wait' });
    expect((await h.repository.load(v1.key))?.version).toBe(1);
    expect(settled).toBe(false);
    // The worker runs; the write goes on once Datastore has version 3.
    await h.drain();
    const v4 = await writing;
    expect(v4.version).toBe(4);
    await h.drain();
    const durable = await h.repository.load(v1.key);
    expect(durable?.attrs).toEqual({ a: 3, b: 4 });
    expect(durable?.version).toBe(v4.version);
  });
});
