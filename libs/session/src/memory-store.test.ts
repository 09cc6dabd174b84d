import { describe, expect, it } from 'vitest';
import { isSessionError, type SessionRecord } from '@gaesession/core';
import { MemoryStore } from './memory-store.js';

const record = (version: number, attrs: Record<string, number> = {}): SessionRecord => ({
  key: 'k'.repeat(43),
  version,
  created: 0,
  accessed: 1_000,
  timeout: 1_000,
  constants: {},
  attrs,
});

describe('MemoryStore', () => {
  it('compare-and-sets on the version and returns the newer record on a conflict', async () => {
    const store = new MemoryStore({ now: () => 1_500 });
    expect(await store.write({ kind: 'create', baseVersion: 0, record: record(1), ops: [] })).toEqual({ ok: true });
    expect(await store.write({ kind: 'create', baseVersion: 0, record: record(1, { a: 1 }), ops: [] })).toEqual({
      ok: false,
      current: record(1),
    });
    expect(await store.write({ kind: 'update', baseVersion: 1, record: record(2, { a: 2 }), ops: [] })).toEqual({
      ok: true,
    });
    const stale = await store.write({ kind: 'update', baseVersion: 1, record: record(2, { a: 3 }), ops: [] });
    expect(stale).toEqual({ ok: false, current: record(2, { a: 2 }) });
    expect(await store.load(record(1).key)).toEqual(record(2, { a: 2 }));
    expect(store.size).toBe(1);
  });

  it('returns copies: editing a loaded record changes nothing stored', async () => {
    const store = new MemoryStore({ now: () => 1_500 });
    await store.write({ kind: 'create', baseVersion: 0, record: record(1, { a: 1 }), ops: [] });
    const loaded = (await store.load(record(1).key)) as { attrs: Record<string, number> };
    loaded.attrs.a = 99;
    expect((await store.load(record(1).key))?.attrs).toEqual({ a: 1 });
  });

  it('hides expired records, and a write based on one finds it gone', async () => {
    let now = 1_500;
    const store = new MemoryStore({ now: () => now });
    await store.write({ kind: 'create', baseVersion: 0, record: record(1), ops: [] });
    now = 2_000;
    expect(await store.load(record(1).key)).toBeUndefined();
    expect(store.size).toBe(0);
    expect(await store.write({ kind: 'update', baseVersion: 1, record: record(2), ops: [] })).toEqual({
      ok: false,
      current: undefined,
    });
  });

  it('destroys conditionally or not, and a tombstone refuses every later write', async () => {
    const store = new MemoryStore({ now: () => 1_500 });
    await store.write({ kind: 'create', baseVersion: 0, record: record(1), ops: [] });
    expect(await store.destroy(record(1).key, 7)).toEqual({ ok: false, current: record(1) });
    expect(await store.load(record(1).key)).toBeDefined();
    expect(await store.destroy(record(1).key, 1)).toEqual({ ok: true });
    expect(await store.load(record(1).key)).toBeUndefined();
    expect(await store.write({ kind: 'create', baseVersion: 0, record: record(1), ops: [] })).toEqual({
      ok: false,
      current: undefined,
    });
    expect(await store.destroy('never-existed')).toEqual({ ok: true });
  });

  it('rejects a write whose version is not its base + 1 (a caller bug, not a conflict)', async () => {
    const store = new MemoryStore({ now: () => 1_500 });
    const error: unknown = await store.write({ kind: 'create', baseVersion: 0, record: record(2), ops: [] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isSessionError(error, 'SESSION_INVALID_OPERATION')).toBe(true);
    expect(store.size).toBe(0);
  });
});
