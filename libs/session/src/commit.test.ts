import { describe, expect, it } from 'vitest';
import { commitSession } from './commit.js';
import { isSessionError, SessionConflictError, SessionGoneError, type SessionStore } from '@gaesession/core';
import { MemoryStore } from './memory-store.js';
import { created, RecordingStore, rejection, reload } from './session.fixture.js';
import { Session, tokenOf } from './session.js';

describe('commitSession: create and update', () => {
  it('creates a new session at version 1 with its ops', async () => {
    const store = new RecordingStore();
    const session = Session.create({ constants: { user: 'u1' } });
    session.set('a', 1);
    const now = Date.now();
    expect(await commitSession(store, session, { now: () => now })).toBe('created');
    expect(session.version).toBe(1);
    expect(session.lifecycle).toBe('loaded');
    expect(session.changed).toBe(false);
    const stored = await store.load(session.key);
    expect(stored).toEqual({
      key: session.key,
      version: 1,
      created: now,
      accessed: now,
      timeout: session.timeout,
      constants: { user: 'u1' },
      attrs: { a: 1 },
    });
    expect(store.writes).toEqual([
      { kind: 'create', baseVersion: 0, record: stored, ops: [{ op: 'set', name: 'a', value: 1 }] },
    ]);
    expect(JSON.stringify(store.writes)).not.toContain(tokenOf(session));
  });

  it('writes an update at version + 1 and makes it the new base', async () => {
    const store = new RecordingStore();
    const session = await reload(store, await created(store, (s) => s.set('a', 1)));
    session.increment('a');
    session.set('b', 'x');
    expect(await commitSession(store, session)).toBe('saved');
    expect(session.version).toBe(2);
    expect(session.ops).toEqual([]);
    expect((await store.load(session.key))?.attrs).toEqual({ a: 2, b: 'x' });
    expect(store.writes[1]).toMatchObject({ kind: 'update', baseVersion: 1, record: { version: 2 } });
    expect(await commitSession(store, session)).toBe('unchanged');
    expect(store.writes).toHaveLength(2);
  });

  it('merges two requests loaded at the same version: both changes survive', async () => {
    const store = new RecordingStore();
    const first = await created(store, (s) => s.set('n', 10));
    const a = await reload(store, first);
    const b = await reload(store, first);
    a.set('fromA', true);
    a.increment('n', 1);
    b.set('fromB', true);
    b.increment('n', 5);
    await commitSession(store, a);
    expect(await commitSession(store, b)).toBe('saved');
    const stored = await store.load(first.key);
    expect(stored?.version).toBe(3);
    expect(stored?.attrs).toEqual({ n: 16, fromA: true, fromB: true });
    // b lost at version 1, then re-applied only its own ops on top of a's version 2.
    expect(store.writes.slice(-2).map((w) => w.baseVersion)).toEqual([1, 2]);
    expect(store.writes.at(-1)?.ops).toEqual([
      { op: 'set', name: 'fromB', value: true },
      { op: 'incr', name: 'n', by: 5 },
    ]);
    expect(b.get('n')).toBe(16);
    expect(b.get('fromA')).toBe(true);
  });

  it('re-applies a delete and an incr to a type changed meanwhile', async () => {
    const store = new MemoryStore();
    const first = await created(store, (s) => s.set('n', 1).set('gone', 1));
    const a = await reload(store, first);
    const b = await reload(store, first);
    a.set('n', 'text');
    b.increment('n');
    b.delete('gone');
    await commitSession(store, a);
    await commitSession(store, b);
    expect((await store.load(first.key))?.attrs).toEqual({ n: 1 });
  });

  it('counts 100 concurrent increments from 100 requests loaded at the same version', async () => {
    const store = new MemoryStore();
    const first = await created(store);
    const requests = await Promise.all(Array.from({ length: 100 }, () => reload(store, first)));
    for (const request of requests) request.increment('hits');
    await Promise.all(requests.map((request) => commitSession(store, request)));
    const stored = await store.load(first.key);
    expect(stored?.attrs.hits).toBe(100);
    // Merged in this process: the first write alone, then the 99 that queued behind it as one.
    expect(stored?.version).toBe(3);
  });

  it('keeps 50 concurrent sets of different attributes', async () => {
    const store = new MemoryStore();
    const first = await created(store);
    const requests = await Promise.all(Array.from({ length: 50 }, () => reload(store, first)));
    requests.forEach((request, i) => request.set(`attr${i}`, i));
    await Promise.all(requests.map((request) => commitSession(store, request)));
    const attrs = (await store.load(first.key))?.attrs ?? {};
    expect(Object.keys(attrs)).toHaveLength(50);
    requests.forEach((_, i) => {
      expect(attrs[`attr${i}`]).toBe(i);
    });
  });

  it('gives up with SessionConflictError after maxWriteAttempts conflicts', async () => {
    const store = new MemoryStore();
    const first = await created(store);
    const conflicting: SessionStore = {
      load: (key) => store.load(key),
      destroy: (key, base) => store.destroy(key, base),
      // Always loses, to an ever newer version.
      write: (write) => Promise.resolve({ ok: false, current: { ...write.record, version: write.record.version + 1 } }),
    };
    const session = await reload(store, first);
    session.set('a', 1);
    const error = await rejection(commitSession(conflicting, session, { maxWriteAttempts: 5 }));
    expect(error).toBeInstanceOf(SessionConflictError);
    expect(isSessionError(error, 'SESSION_CONFLICT')).toBe(true);
    expect(session.ops).toHaveLength(1);
  });

  it('fails with SessionGoneError when the session was destroyed meanwhile', async () => {
    const store = new MemoryStore();
    const first = await created(store);
    const writer = await reload(store, first);
    const destroyer = await reload(store, first);
    destroyer.destroy();
    await commitSession(store, destroyer);
    writer.set('a', 1);
    const error = await rejection(commitSession(store, writer));
    expect(error).toBeInstanceOf(SessionGoneError);
    expect(isSessionError(error, 'SESSION_GONE')).toBe(true);
    expect(await store.load(first.key)).toBeUndefined();
  });

  it('fails with SessionGoneError when the session expired meanwhile', async () => {
    let now = 1_000;
    const store = new MemoryStore({ now: () => now });
    const session = Session.create({ timeout: 60_000 });
    await commitSession(store, session, { now: () => now });
    const request = await reload(store, session);
    now += 60_000;
    request.set('a', 1);
    expect(await rejection(commitSession(store, request, { now: () => now }))).toBeInstanceOf(SessionGoneError);
  });
});
