import { createHash } from 'node:crypto';
import { newToken, sessionKey, type SessionRecord } from '@gaesession/core';
import { Cleanup, eventually, services, startPrivateRedis, uniqueName } from '@gaesession/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { AtomicUpdate } from '../src/cache.js';
import { ValkeyCache, type ValkeyCacheOptions } from '../src/valkey-cache.js';
import { UPDATE_SCRIPT } from '../src/valkey-scripts.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function cache(options: ValkeyCacheOptions = {}): ValkeyCache {
  return cleanup.track(new ValkeyCache({ url: services.valkey, keyPrefix: `${uniqueName('valkey')}:`, ...options }));
}

/** A plain client for looking at what the cache wrote; closed after the test. */
function admin(url = services.valkey): Redis {
  const client = new Redis(url);
  client.on('error', () => undefined);
  cleanup.add(() => {
    client.disconnect();
  });
  return client;
}

function record(version: number, attrs: SessionRecord['attrs'] = {}, at = Date.now()): SessionRecord {
  return {
    key: sessionKey(newToken()),
    version,
    created: at,
    accessed: at,
    timeout: 60_000,
    constants: { u: 'ada' },
    attrs,
  };
}

function update(ops: AtomicUpdate['ops'], baseVersion = 1, now = Date.now()): AtomicUpdate {
  return { ops, baseVersion, now, maxBytes: 1_000_000 };
}

describe('ValkeyCache entries', () => {
  it('round-trips a record, with JSON values kept exactly (numbers, empty arrays, "__proto__")', async () => {
    const valkey = cache();
    const attrs = { n: 0.1 + 0.2, big: 2 ** 53 - 1, empty: [], nested: { a: [1, { b: null }] }, s: 'x"y' };
    // A computed key defines an own property: "__proto__" is an attribute here, as JSON.parse keeps it.
    const stored = record(1, { ...attrs, ['__proto__']: 'kept' });
    expect(await valkey.add(stored.key, { record: stored }, 60)).toBe(true);
    const got = await valkey.get(stored.key);
    expect(got?.entry).toEqual({ record: stored });
    expect(Object.hasOwn((got?.entry as { record: SessionRecord }).record.attrs, '__proto__')).toBe(true);
    expect(typeof got?.cas).toBe('bigint');
  });

  it('adds only when absent, compare-and-sets on the token, and answers conflict and missing', async () => {
    const valkey = cache();
    const first = record(1);
    expect(await valkey.add(first.key, { record: first }, 60)).toBe(true);
    expect(await valkey.add(first.key, { record: first }, 60)).toBe(false);
    const read = await valkey.get(first.key);
    const second = { ...first, version: 2 };
    expect(await valkey.cas(first.key, { record: second }, 60, read!.cas)).toBe('stored');
    expect(await valkey.cas(first.key, { record: { ...first, version: 3 } }, 60, read!.cas)).toBe('conflict');
    expect((await valkey.get(first.key))?.entry).toEqual({ record: second });
    expect(await valkey.delete(first.key)).toBe(true);
    expect(await valkey.cas(first.key, { record: second }, 60, read!.cas)).toBe('missing');
    expect(await valkey.get(first.key)).toBeUndefined();
  });

  it('stores tombstones, with the ttl given', async () => {
    const prefix = `${uniqueName('valkey')}:`;
    const valkey = cache({ keyPrefix: prefix });
    const { key } = record(1);
    await valkey.set(key, { tombstone: true }, 60);
    expect((await valkey.get(key))?.entry).toEqual({ tombstone: true });
    const ttl = await admin().pttl(`${prefix}${key}`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('reads a hash it did not write as unreadable (a miss the store may replace), not as an error', async () => {
    const prefix = `${uniqueName('valkey')}:`;
    const valkey = cache({ keyPrefix: prefix });
    await admin().hset(`${prefix}odd`, 'c', '5', 'v', 'not a number');
    expect(await valkey.get('odd')).toEqual({ entry: undefined, cas: 5n });
  });
});

describe('ValkeyCache.update', () => {
  it('applies set, delete and incr on the server, bumps the version and the access time, and answers the record', async () => {
    const valkey = cache();
    const base = record(4, { keep: 1, gone: true, n: 2 }, Date.now() - 1_000);
    await valkey.add(base.key, { record: base }, 60);
    const now = Date.now();
    const outcome = await valkey.update(base.key, {
      ...update(
        [
          { op: 'set', name: 'x', value: [] },
          { op: 'delete', name: 'gone' },
          { op: 'incr', name: 'n', by: 3 },
        ],
        4,
        now,
      ),
    });
    expect(outcome).toEqual({
      status: 'updated',
      record: { ...base, version: 5, accessed: now, attrs: { keep: 1, n: 5, x: [] } },
    });
    expect((await valkey.get(base.key))?.entry).toEqual({ record: (outcome as { record: SessionRecord }).record });
  });

  it('increments exactly like the JavaScript path: floats, non-numbers from 0, and refuses overflow', async () => {
    const valkey = cache();
    const base = record(1, { f: 0.1, s: 'text', big: 2 ** 53 - 2, neg: -1 });
    await valkey.add(base.key, { record: base }, 60);
    const outcome = await valkey.update(
      base.key,
      update([
        { op: 'incr', name: 'f', by: 0.2 },
        { op: 'incr', name: 's', by: 2 },
        { op: 'incr', name: 'missing', by: 1.5 },
        { op: 'incr', name: 'neg', by: 1 },
      ]),
    );
    expect(outcome.status === 'updated' && outcome.record.attrs).toEqual({
      f: 0.1 + 0.2,
      s: 2,
      missing: 1.5,
      neg: 0,
      big: 2 ** 53 - 2,
    });
    expect(await valkey.update(base.key, update([{ op: 'incr', name: 'big', by: 2 }]))).toEqual({
      status: 'overflow',
      name: 'big',
    });
    expect((await valkey.get(base.key))?.entry).toMatchObject({ record: { version: 2 } });
  });

  it('answers missing, stale and gone without writing anything', async () => {
    const valkey = cache();
    const live = record(3);
    expect(await valkey.update(live.key, update([{ op: 'incr', name: 'n', by: 1 }]))).toEqual({ status: 'missing' });
    await valkey.add(live.key, { record: live }, 60);
    expect(await valkey.update(live.key, update([{ op: 'incr', name: 'n', by: 1 }], 4))).toEqual({ status: 'stale' });
    const expired = record(1, {}, Date.now() - 120_000);
    await valkey.add(expired.key, { record: expired }, 60);
    expect(await valkey.update(expired.key, update([{ op: 'incr', name: 'n', by: 1 }]))).toEqual({ status: 'gone' });
    await valkey.set(live.key, { tombstone: true }, 60);
    expect(await valkey.update(live.key, update([{ op: 'incr', name: 'n', by: 1 }]))).toEqual({ status: 'gone' });
    expect((await valkey.get(expired.key))?.entry).toEqual({ record: expired });
  });

  it('refuses a session that would grow past maxBytes, with nothing written', async () => {
    const valkey = cache();
    const base = record(1, { a: 'x' });
    await valkey.add(base.key, { record: base }, 60);
    const outcome = await valkey.update(base.key, {
      ...update([{ op: 'set', name: 'big', value: 'y'.repeat(5000) }]),
      maxBytes: 4096,
    });
    expect(outcome.status).toBe('too-large');
    expect((await valkey.get(base.key))?.entry).toEqual({ record: base });
  });

  it('applies 100 concurrent increments from 4 connections in 100 calls: each one version, none lost', async () => {
    const prefix = `${uniqueName('valkey')}:`;
    const connections = Array.from({ length: 4 }, () => cache({ keyPrefix: prefix }));
    const base = record(1, { n: 0 });
    await connections[0]!.add(base.key, { record: base }, 60);
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        connections[i % 4]!.update(base.key, update([{ op: 'incr', name: 'n', by: 1 }])),
      ),
    );
    const versions = outcomes.map((outcome) => (outcome.status === 'updated' ? outcome.record.version : -1));
    expect(new Set(versions).size).toBe(100);
    expect(Math.min(...versions)).toBe(2);
    expect((await connections[1]!.get(base.key))?.entry).toMatchObject({ record: { version: 101, attrs: { n: 100 } } });
  });

  /** The update script's SHA1, as EVALSHA calls it. */
  const updateSha = createHash('sha1').update(UPDATE_SCRIPT).digest('hex');

  /** A cache on a private server, holding one session at version 2: the script is loaded. */
  async function privateSession() {
    const server = await startPrivateRedis();
    cleanup.add(() => server.stop());
    const valkey = cache({ url: `redis://${server.address}` });
    const base = record(1, { n: 0 });
    await valkey.add(base.key, { record: base }, 60);
    expect((await valkey.update(base.key, update([{ op: 'incr', name: 'n', by: 1 }]))).status).toBe('updated');
    const direct = admin(`redis://${server.address}`);
    expect(await direct.script('EXISTS', updateSha)).toEqual([1]);
    return { server, valkey, base, direct };
  }

  it('keeps working after the server lost its scripts (SCRIPT FLUSH): NOSCRIPT reloads them', async () => {
    const { valkey, base, direct } = await privateSession();
    await direct.script('FLUSH');
    expect(await direct.script('EXISTS', updateSha)).toEqual([0]);
    expect(await valkey.update(base.key, update([{ op: 'incr', name: 'n', by: 1 }], 2))).toMatchObject({
      status: 'updated',
      record: { version: 3, attrs: { n: 2 } },
    });
    expect(await direct.script('EXISTS', updateSha)).toEqual([1]);
  });

  it('keeps working after a restart of the server (entries and scripts gone): reconnects, and NOSCRIPT reloads the script', async () => {
    const { server, valkey, base, direct } = await privateSession();
    await server.stop('SIGKILL');
    await server.start();
    // The client reconnects in the background; a read answers again once it has (a miss: no persistence).
    const reconnected = () =>
      valkey.get(base.key).then(
        (got) => got ?? null,
        () => undefined,
      );
    expect(
      await eventually(reconnected, { timeoutMs: 20_000, what: 'the cache to answer after the restart' }),
    ).toBeNull();
    expect(await direct.script('EXISTS', updateSha)).toEqual([0]);
    expect(await valkey.update(base.key, update([{ op: 'incr', name: 'n', by: 1 }], 2))).toEqual({ status: 'missing' });
    await valkey.add(base.key, { record: base }, 60);
    expect(await valkey.update(base.key, update([{ op: 'incr', name: 'n', by: 5 }]))).toMatchObject({
      status: 'updated',
      record: { version: 2, attrs: { n: 5 } },
    });
    expect(await direct.script('EXISTS', updateSha)).toEqual([1]);
  });
});

describe('ValkeyCache failures', () => {
  it('fails fast with CACHE_UNAVAILABLE when nothing listens, and while the server is frozen', async () => {
    const server = await startPrivateRedis();
    cleanup.add(() => server.stop());
    const valkey = cache({ url: `redis://${server.address}`, timeoutSeconds: 0.2, retries: 1 });
    const { key } = record(1);
    expect(await valkey.get(key)).toBeUndefined();
    await server.freeze();
    try {
      await expect(valkey.get(key)).rejects.toMatchObject({ code: 'CACHE_UNAVAILABLE' });
    } finally {
      await server.thaw();
    }
    await server.stop();
    await expect(valkey.add(key, { tombstone: true }, 60)).rejects.toMatchObject({ code: 'CACHE_UNAVAILABLE' });
  });
});
