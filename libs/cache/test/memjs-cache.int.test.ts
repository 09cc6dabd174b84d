import { isSessionError } from '@gaesession/core';
import { eventually, services, uniqueName } from '@gaesession/testkit';
import memjs from 'memjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_VALUE_BYTES, MAX_KEY_BYTES } from '../src/limits.js';
import { MemjsCache } from '../src/memjs-cache.js';

// Against the shared memcached; every cache gets its own key prefix.
describe('MemjsCache on memcached', () => {
  const prefix = `${uniqueName('cache')}:`;
  let cache: MemjsCache;
  let raw: memjs.Client; // reads behind the adapter's back, to prove what was (not) written

  beforeAll(() => {
    cache = new MemjsCache({ servers: services.memcached, keyPrefix: prefix });
    raw = memjs.Client.create(services.memcached, { logger: { log: () => undefined } });
  });
  afterAll(async () => {
    await cache.close();
    raw.close();
  });

  it('gets what was set, with a CAS token that changes on every write', async () => {
    await cache.set('a', Buffer.from('one'), 60);
    const first = await cache.get('a');
    await cache.set('a', Buffer.from('two'), 60);
    const second = await cache.get('a');
    expect(first?.value.toString()).toBe('one');
    expect(second?.value.toString()).toBe('two');
    expect(second?.cas).not.toBe(first?.cas);
    expect(await cache.get('never-set')).toBeUndefined();
  });

  it('round-trips binary values, including every byte value and an empty value', async () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await cache.set('bin', everyByte, 60);
    await cache.set('empty', Buffer.alloc(0), 60);
    expect((await cache.get('bin'))?.value.equals(everyByte)).toBe(true);
    expect((await cache.get('empty'))?.value.length).toBe(0);
  });

  it('stores the largest allowed value under the longest allowed key', async () => {
    const key = 'k'.repeat(MAX_KEY_BYTES - prefix.length);
    const value = Buffer.alloc(DEFAULT_MAX_VALUE_BYTES, 7);
    await cache.set(key, value, 60);
    const item = await cache.get(key);
    expect(item?.value.equals(value)).toBe(true);
    expect(await cache.delete(key)).toBe(true);
  });

  it('adds only when absent, leaving the existing value alone', async () => {
    expect(await cache.add('added', Buffer.from('first'), 60)).toBe(true);
    expect(await cache.add('added', Buffer.from('second'), 60)).toBe(false);
    expect((await cache.get('added'))?.value.toString()).toBe('first');
  });

  it('cas: stored with the current token, conflict after another writer, missing after delete', async () => {
    await cache.set('c', Buffer.from('v1'), 60);
    const seen = await cache.get('c');
    expect(await cache.cas('c', Buffer.from('v2'), 60, seen!.cas)).toBe('stored');
    expect(await cache.cas('c', Buffer.from('stale'), 60, seen!.cas)).toBe('conflict');

    const current = await cache.get('c');
    await cache.set('c', Buffer.from('other writer'), 60);
    expect(await cache.cas('c', Buffer.from('mine'), 60, current!.cas)).toBe('conflict');
    expect((await cache.get('c'))?.value.toString()).toBe('other writer');

    const beforeDelete = await cache.get('c');
    expect(await cache.delete('c')).toBe(true);
    expect(await cache.delete('c')).toBe(false);
    expect(await cache.cas('c', Buffer.from('revived?'), 60, beforeDelete!.cas)).toBe('missing');
    expect(await cache.get('c')).toBeUndefined();
  });

  it('expires items after a short ttl, not before', async () => {
    // memcached's clock ticks once a second: an item set with ttl 2 lives between 1 and 2 seconds.
    const ttl = 2;
    const started = performance.now();
    await cache.set('short', Buffer.from('x'), ttl);
    const expiredAfter = await eventually(
      async () => ((await cache.get('short')) === undefined ? performance.now() - started : undefined),
      { timeoutMs: 10_000, intervalMs: 20, what: 'the item to expire' },
    );
    // Measured from before the set: never shorter than the item's real lifetime.
    expect(expiredAfter).toBeGreaterThanOrEqual((ttl - 1) * 1000 - 20);
  });

  it('keeps items with ttls over 30 days (sent as absolute times, not read as 1970)', async () => {
    await cache.set('long', Buffer.from('x'), 31 * 86_400);
    expect(await cache.add('long-add', Buffer.from('y'), 400 * 86_400)).toBe(true);
    expect((await cache.get('long'))?.value.toString()).toBe('x');
    expect((await cache.get('long-add'))?.value.toString()).toBe('y');
  });

  it('refuses an oversized value with SESSION_TOO_LARGE and writes nothing', async () => {
    const big = Buffer.alloc(DEFAULT_MAX_VALUE_BYTES + 1);
    await expect(cache.set('big', big, 60)).rejects.toSatisfy((e) => isSessionError(e, 'SESSION_TOO_LARGE'));
    await expect(cache.add('big', big, 60)).rejects.toSatisfy((e) => isSessionError(e, 'SESSION_TOO_LARGE'));
    expect(await cache.get('big')).toBeUndefined();

    await cache.set('kept', Buffer.from('small'), 60);
    const item = await cache.get('kept');
    await expect(cache.cas('kept', big, 60, item!.cas)).rejects.toSatisfy((e) =>
      isSessionError(e, 'SESSION_TOO_LARGE'),
    );
    expect(await cache.get('kept')).toEqual(item);
  });

  it('maps the server refusing a value (smaller -I than maxValueBytes) to SESSION_TOO_LARGE', async () => {
    const lax = new MemjsCache({ servers: services.memcached, keyPrefix: prefix, maxValueBytes: 2_000_000 });
    try {
      const error: unknown = await lax.set('server-big', Buffer.alloc(1_500_000), 60).catch((e: unknown) => e);
      expect(isSessionError(error, 'SESSION_TOO_LARGE')).toBe(true);
      expect(await lax.get('server-big')).toBeUndefined();
    } finally {
      await lax.close();
    }
  });

  it('refuses bad keys with CACHE_KEY_INVALID and writes nothing', async () => {
    const bad = ['with space', 'line\nbreak', 'x'.repeat(MAX_KEY_BYTES - prefix.length + 1), ''];
    for (const key of bad) {
      await expect(cache.set(key, Buffer.from('v'), 60)).rejects.toSatisfy((e) =>
        isSessionError(e, 'CACHE_KEY_INVALID'),
      );
      await expect(cache.get(key)).rejects.toSatisfy((e) => isSessionError(e, 'CACHE_KEY_INVALID'));
    }
    // memjs's own get does not check keys; the binary protocol would have stored 'with space' as is.
    expect((await raw.get(`${prefix}with space`)).value).toBeNull();
  });

  it('refuses ttl < 1 before sending', async () => {
    await expect(cache.set('ttl0', Buffer.from('v'), 0)).rejects.toThrow(RangeError);
    expect(await cache.get('ttl0')).toBeUndefined();
  });

  it('keeps prefixes apart', async () => {
    const other = new MemjsCache({ servers: services.memcached, keyPrefix: `${uniqueName('other')}:` });
    try {
      await cache.set('shared-name', Buffer.from('mine'), 60);
      expect(await other.get('shared-name')).toBeUndefined();
      expect((await raw.get(`${prefix}shared-name`)).value?.toString()).toBe('mine');
    } finally {
      await other.close();
    }
  });

  it('wraps an existing memjs client and leaves it open on close', async () => {
    const client = memjs.Client.create(services.memcached, { logger: { log: () => undefined } });
    const wrapped = new MemjsCache({ client, keyPrefix: prefix });
    await wrapped.set('wrapped', Buffer.from('w'), 60);
    await wrapped.close();
    expect((await client.get(`${prefix}wrapped`)).value?.toString()).toBe('w');
    client.close();
  });
});

describe('MemjsCache compare-and-set under contention', () => {
  const caches: MemjsCache[] = [];
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
  });

  function newCache(prefix: string): MemjsCache {
    const cache = new MemjsCache({ servers: services.memcached, keyPrefix: prefix });
    caches.push(cache);
    return cache;
  }

  /** Read, add one, compare-and-set; on conflict read again. Returns how many conflicts it met. */
  async function increment(cache: MemjsCache, key: string): Promise<number> {
    for (let conflicts = 0; ; conflicts++) {
      const item = await cache.get(key);
      if (item === undefined) {
        if (await cache.add(key, Buffer.from('1'), 60)) return conflicts;
        continue;
      }
      const next = Buffer.from(String(Number(item.value.toString()) + 1));
      if ((await cache.cas(key, next, 60, item.cas)) === 'stored') return conflicts;
    }
  }

  it('100 concurrent increments on one key end at exactly 100', async () => {
    const cache = newCache(`${uniqueName('cas')}:`);
    const conflicts = await Promise.all(Array.from({ length: 100 }, () => increment(cache, 'counter')));
    expect((await cache.get('counter'))?.value.toString()).toBe('100');
    expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // the race really happened
  });

  it('two cache instances (two connections) racing on one key lose no increment', async () => {
    const prefix = `${uniqueName('cas2')}:`;
    const [left, right] = [newCache(prefix), newCache(prefix)];
    const calls = Array.from({ length: 100 }, (_, i) => increment(i % 2 === 0 ? left : right, 'counter'));
    const conflicts = await Promise.all(calls);
    expect((await left.get('counter'))?.value.toString()).toBe('100');
    expect((await right.get('counter'))?.value.toString()).toBe('100');
    expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
