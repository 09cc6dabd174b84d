import { describe, expect, it } from 'vitest';
import { destroyEvent, liveEvent, newKey } from '@gaesession/testkit';
import { decide, foldEvents } from '../src/fold.js';
import type { StoredSession } from '../src/model.js';

const now = 1_700_000_000_000;
const a = newKey();
const b = newKey();

describe('foldEvents', () => {
  it('keeps the highest version per key, whatever the order', () => {
    const events = [liveEvent(a, 2, { n: 2 }), liveEvent(b, 1, {}), liveEvent(a, 3, { n: 3 }), liveEvent(a, 1, {})];
    const folded = foldEvents(events);
    expect(folded.map((f) => f.key)).toEqual([a, b]);
    expect(folded[0]?.winner.version).toBe(3);
    expect(folded[0]?.events).toHaveLength(3);
    expect(foldEvents([...events].reverse()).find((f) => f.key === a)?.winner.version).toBe(3);
  });

  it('lets a destroy win over any live version, even a newer one', () => {
    const folded = foldEvents([liveEvent(a, 5, {}), destroyEvent(a, 3), liveEvent(a, 9, {})]);
    expect(folded[0]?.winner.type).toBe('destroyed');
    expect(folded[0]?.winner.version).toBe(3);
  });

  it('picks the highest of several destroys', () => {
    expect(foldEvents([destroyEvent(a, 4), destroyEvent(a, 7), destroyEvent(a, 5)])[0]?.winner.version).toBe(7);
  });
});

describe('decide', () => {
  const live = (version: number, expiresAt = now + 1000): StoredSession => ({
    tombstone: false,
    version,
    expiresAt,
    data: '{}',
    principal: undefined,
  });
  const tombstone: StoredSession = { tombstone: true, version: 2, expiresAt: now + 1000 };
  const event = liveEvent(a, 4, {}, { at: now });

  it('writes what is newer than the stored version', () => {
    expect(decide(event, undefined, now)).toBe('write');
    expect(decide(event, live(3), now)).toBe('write');
  });

  it('skips duplicates and older versions', () => {
    expect(decide(event, live(4), now)).toBe('stale');
    expect(decide(event, live(9), now)).toBe('stale');
  });

  it('never writes over a tombstone, not even a destroy or a newer version', () => {
    expect(decide(liveEvent(a, 99, {}, { at: now }), tombstone, now)).toBe('tombstoned');
    expect(decide(destroyEvent(a, 99, { at: now }), tombstone, now)).toBe('tombstoned');
  });

  it('writes a destroy over any live state', () => {
    expect(decide(destroyEvent(a, 1, { at: now }), live(7), now)).toBe('write');
  });

  it('does not write a live snapshot that has already expired', () => {
    const expired = liveEvent(a, 5, {}, { at: now - 10_000, timeout: 5_000 });
    expect(decide(expired, live(3), now)).toBe('expired');
    expect(decide(expired, undefined, now)).toBe('expired');
  });
});
