import { describe, expect, it } from 'vitest';
import { commitSession } from './commit.js';
import { SessionGoneError, sessionKey, type SessionStore } from '@gaesession/core';
import { MemoryStore } from './memory-store.js';
import { created, RecordingStore, rejection, reload } from './session.fixture.js';
import { Session, tokenOf } from './session.js';

describe('commitSession: touch', () => {
  it('rewrites an unchanged session only after touchAfter × timeout, and losing a touch is fine', async () => {
    let now = 0;
    const clock = () => now;
    const store = new RecordingStore({ inner: new MemoryStore({ now: clock }) });
    const session = Session.create({ timeout: 100_000 });
    await commitSession(store, session, { now: clock });
    const options = { now: clock, touchAfter: 0.5 };

    now = 49_999;
    const early = await reload(store, session);
    expect(await commitSession(store, early, options)).toBe('unchanged');
    expect(store.writes).toHaveLength(1);

    now = 50_000;
    const [a, b] = [await reload(store, session), await reload(store, session)];
    expect(await commitSession(store, a, options)).toBe('touched');
    expect(store.writes.at(-1)).toMatchObject({ kind: 'touch', baseVersion: 1, ops: [], record: { version: 2 } });
    expect(a.version).toBe(2);
    const stored = await store.load(session.key);
    expect(stored).toMatchObject({ version: 2, accessed: 50_000 });

    // b loaded at version 1 and loses its touch: no error, no retry.
    expect(await commitSession(store, b, options)).toBe('touched');
    expect(store.writes).toHaveLength(3);
    expect(await store.load(session.key)).toEqual(stored);

    // The touch moved the expiry: the session outlives its original timeout.
    now = 120_000;
    expect(await store.load(session.key)).toBeDefined();
  });

  it('uses a default touchAfter of a quarter of the timeout', async () => {
    let now = 0;
    const store = new RecordingStore({ inner: new MemoryStore({ now: () => now }) });
    const session = Session.create({ timeout: 1_000 });
    await commitSession(store, session, { now: () => now });
    now = 249;
    expect(await commitSession(store, await reload(store, session), { now: () => now })).toBe('unchanged');
    now = 250;
    expect(await commitSession(store, await reload(store, session), { now: () => now })).toBe('touched');
  });
});

describe('commitSession: destroy', () => {
  it('writes a tombstone once, and a later write fails with SessionGoneError', async () => {
    const store = new RecordingStore();
    const first = await created(store, (s) => s.set('a', 1));
    const stale = await reload(store, first);
    const session = await reload(store, first);
    session.destroy();
    expect(await commitSession(store, session)).toBe('destroyed');
    expect(store.destroys).toEqual([{ key: first.key, baseVersion: undefined }]);
    expect(await store.load(first.key)).toBeUndefined();
    expect(await commitSession(store, session)).toBe('destroyed');
    expect(store.destroys).toHaveLength(1);

    stale.set('b', 2);
    expect(await rejection(commitSession(store, stale))).toBeInstanceOf(SessionGoneError);
    // Not even a create can bring the key back.
    const revived = await store.write({
      kind: 'create',
      baseVersion: 0,
      record: { ...first.base, version: 1 },
      ops: [],
    });
    expect(revived.ok).toBe(false);
  });

  it('writes nothing for a session destroyed before its first save', async () => {
    const store = new RecordingStore();
    const session = Session.create();
    session.set('a', 1);
    session.destroy();
    expect(await commitSession(store, session)).toBe('destroyed');
    expect(store.writes).toEqual([]);
    expect(store.destroys).toEqual([]);
  });

  it('destroys the stored key of a session regenerated and then destroyed', async () => {
    const store = new RecordingStore();
    const first = await created(store);
    const session = await reload(store, first);
    session.regenerate();
    session.destroy();
    await commitSession(store, session);
    expect(store.destroys.map((d) => d.key)).toEqual([first.key]);
    expect(store.writes).toHaveLength(1);
  });
});

describe('commitSession: regenerate', () => {
  it('moves the data to a new key and kills the old one', async () => {
    const store = new RecordingStore();
    const first = await created(store, (s) => s.set('cart', ['a']));
    const session = await reload(store, first);
    const oldToken = tokenOf(session);
    session.regenerate();
    session.set('user', 'u1');
    const now = Date.now() + 5;
    expect(await commitSession(store, session, { now: () => now })).toBe('regenerated');
    expect(tokenOf(session)).not.toBe(oldToken);
    expect(session.key).not.toBe(first.key);
    expect(session.previousKey).toBeUndefined();
    expect(session.lifecycle).toBe('loaded');
    expect(await store.load(first.key)).toBeUndefined();
    const moved = await store.load(session.key);
    expect(moved).toMatchObject({
      key: sessionKey(tokenOf(session)),
      constants: { user: 'u1' },
      attrs: { cart: ['a'], user: 'u1' },
      created: first.created,
      accessed: now,
    });
    expect(session.version).toBe(moved?.version);
    expect(await commitSession(store, session)).toBe('unchanged');
  });

  it('carries over a write made to the old key between the copy and the destroy', async () => {
    const inner = new MemoryStore();
    const first = await created(inner, (s) => s.set('n', 1));
    const other = await reload(inner, first);
    other.increment('n', 10);
    other.set('late', true);
    let raced = false;
    // Another request commits on the old key just before the first conditional destroy lands.
    const racing: SessionStore = {
      load: (key) => inner.load(key),
      write: (write) => inner.write(write),
      destroy: async (key, baseVersion) => {
        if (!raced && key === first.key) {
          raced = true;
          expect(await commitSession(inner, other)).toBe('saved');
        }
        return inner.destroy(key, baseVersion);
      },
    };
    const session = await reload(inner, first);
    session.regenerate();
    session.increment('n');
    await commitSession(racing, session);
    expect(raced).toBe(true);
    expect(await inner.load(first.key)).toBeUndefined();
    const moved = await inner.load(session.key);
    expect(moved?.attrs).toEqual({ n: 12, late: true });
    expect(session.get('n')).toBe(12);
    expect(session.version).toBe(moved?.version);
    // The racing request's session is gone now; its next write says so.
    other.set('after', 1);
    expect(await rejection(commitSession(inner, other))).toBeInstanceOf(SessionGoneError);
  });

  it('fails with SessionGoneError when the old key is gone', async () => {
    const store = new MemoryStore();
    const first = await created(store);
    const session = await reload(store, first);
    await store.destroy(first.key);
    session.regenerate();
    expect(await rejection(commitSession(store, session))).toBeInstanceOf(SessionGoneError);
    expect(await store.load(session.key)).toBeUndefined();
  });

  it('saves a regenerated new session simply as a create under the new key', async () => {
    const store = new RecordingStore();
    const session = Session.create();
    const firstKey = session.key;
    session.regenerate();
    expect(await commitSession(store, session)).toBe('created');
    expect(store.writes.map((w) => [w.kind, w.record.key])).toEqual([['create', session.key]]);
    expect(await store.load(firstKey)).toBeUndefined();
  });
});
