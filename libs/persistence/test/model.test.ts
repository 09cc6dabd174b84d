import { isSessionError, type SessionRecord } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import { destroyEvent, liveEvent, newKey } from '@gaesession/testkit';
import {
  assertFitsEntity,
  MAX_UNINDEXED_VALUE_BYTES,
  readStoredSession,
  recordFromData,
  SESSION_UNINDEXED,
  sessionProperties,
} from '../src/model.js';

function record(attrs: SessionRecord['attrs']): SessionRecord {
  return { key: newKey(), version: 1, created: 1, accessed: 1, timeout: 1000, constants: { user: 'u1' }, attrs };
}

describe('session entity mapping', () => {
  it('round-trips a live snapshot through the entity properties', () => {
    const event = liveEvent(newKey(), 4, { cart: [1, 2], name: 'ü' });
    const properties = sessionProperties(event);
    expect(properties.tombstone).toBe(false);
    expect(properties.expiresAt.getTime()).toBe(event.expiresAt);
    const stored = readStoredSession(event.key, properties);
    expect(stored.tombstone).toBe(false);
    if (stored.tombstone) return;
    const back = recordFromData(event.key, stored);
    expect(back).toEqual({ key: event.key, version: 4, ...event.snapshot });
    expect(Object.isFrozen(back.attrs)).toBe(true);
  });

  it('makes a tombstone of a destroy: version and expiry, no data', () => {
    const event = destroyEvent(newKey(), 7);
    const properties = sessionProperties(event);
    expect(properties).not.toHaveProperty('data');
    expect(readStoredSession(event.key, properties)).toEqual({
      tombstone: true,
      version: 7,
      expiresAt: event.expiresAt,
    });
  });

  it('refuses entities it did not write, with DATASTORE_CORRUPT_ENTITY', () => {
    const error = (() => {
      try {
        readStoredSession('k', { version: 'x' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(isSessionError(error, 'DATASTORE_CORRUPT_ENTITY')).toBe(true);
    expect(() =>
      recordFromData('k', { tombstone: false, version: 1, expiresAt: 0, data: '{"created":1}', principal: undefined }),
    ).toThrow(/created\/accessed\/timeout|constants/);
  });
});

describe('assertFitsEntity', () => {
  it('accepts an ordinary session', () => {
    expect(() => {
      assertFitsEntity(record({ a: 'x'.repeat(1000) }));
    }).not.toThrow();
  });

  it('refuses, with SESSION_TOO_LARGE, a snapshot over the unindexed-property limit', () => {
    let caught: unknown;
    try {
      assertFitsEntity(record({ a: 'x'.repeat(MAX_UNINDEXED_VALUE_BYTES) }));
    } catch (error) {
      caught = error;
    }
    expect(isSessionError(caught, 'SESSION_TOO_LARGE')).toBe(true);
  });

  it('counts multi-byte characters as their UTF-8 bytes', () => {
    // 400 000 × 3 bytes = 1.2 MB, though only 400 000 characters.
    expect(() => {
      assertFitsEntity(record({ a: '€'.repeat(400_000) }));
    }).toThrow(/over the/);
  });

  it('counts the key and namespace toward the entity limit', () => {
    const fill = MAX_UNINDEXED_VALUE_BYTES - 200;
    const base = record({});
    const overhead = JSON.stringify({
      created: 1,
      accessed: 1,
      timeout: 1000,
      constants: { user: 'u1' },
      attrs: { a: '' },
    }).length;
    const almost = { ...base, attrs: { a: 'x'.repeat(fill - overhead) } };
    expect(() => {
      assertFitsEntity(almost);
    }).not.toThrow();
    expect(() => {
      assertFitsEntity(almost, { namespace: 'n'.repeat(100), kind: 'K'.repeat(100) });
    }).toThrow(/Datastore entity/);
  });
});

describe('principal', () => {
  it('is an indexed property of a live session, kept through a round trip, and gone from a tombstone', () => {
    const base = liveEvent(newKey(), 2, { a: 1 });
    const event = { ...base, snapshot: { ...base.snapshot!, principal: 'user-7' } };
    const properties = sessionProperties(event);
    expect(properties.principal).toBe('user-7');
    expect(SESSION_UNINDEXED).not.toContain('principal');
    const stored = readStoredSession(event.key, properties);
    if (stored.tombstone) throw new Error('expected a live session');
    expect(recordFromData(event.key, stored).principal).toBe('user-7');
    expect(sessionProperties(destroyEvent(event.key, 3))).not.toHaveProperty('principal');
  });
});
