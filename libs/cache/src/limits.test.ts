import { isSessionError } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import { CacheKeyError } from './errors.js';
import { checkValueSize, DEFAULT_MAX_VALUE_BYTES, encodeKey, keyProblem, toExpiration } from './limits.js';

describe('encodeKey', () => {
  it('accepts a 250-byte key and returns its UTF-8 bytes', () => {
    expect(encodeKey('k'.repeat(250)).length).toBe(250);
    expect(encodeKey('gs:é').equals(Buffer.from('gs:é', 'utf8'))).toBe(true);
  });

  it('counts bytes, not characters, against the 250-byte limit', () => {
    expect(keyProblem('é'.repeat(125))).toBeUndefined();
    expect(keyProblem('é'.repeat(126))).toMatch(/252 bytes/);
    expect(keyProblem('k'.repeat(251))).toMatch(/251 bytes, over the 250-byte limit/);
  });

  it.each([
    ['empty', ''],
    ['space', 'a b'],
    ['newline', 'a\nb'],
    ['tab', 'a\tb'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['no-break space', 'a\u00a0b'],
  ])('refuses a key with %s, with code CACHE_KEY_INVALID', (_label, key) => {
    let caught: unknown;
    try {
      encodeKey(key);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheKeyError);
    expect(isSessionError(caught, 'CACHE_KEY_INVALID')).toBe(true);
    expect((caught as CacheKeyError).key).toBe(key);
  });
});

describe('checkValueSize', () => {
  it('allows the limit and refuses one byte more with SESSION_TOO_LARGE', () => {
    expect(() => {
      checkValueSize('k', Buffer.alloc(10), 10);
    }).not.toThrow();
    expect(() => {
      checkValueSize('k', Buffer.alloc(11), 10);
    }).toThrow(expect.objectContaining({ code: 'SESSION_TOO_LARGE', size: 11, limit: 10 }));
  });

  it('defaults to 1 MiB less 1 KiB', () => {
    expect(DEFAULT_MAX_VALUE_BYTES).toBe(1_047_552);
  });
});

describe('toExpiration', () => {
  const now = Date.UTC(2025, 0, 1); // 1735689600 s

  it('passes ttls up to 30 days through as relative seconds', () => {
    expect(toExpiration(1, now)).toBe(1);
    expect(toExpiration(2_592_000, now)).toBe(2_592_000);
  });

  it('turns longer ttls into absolute unix times', () => {
    expect(toExpiration(2_592_001, now)).toBe(1_735_689_600 + 2_592_001);
    expect(toExpiration(365 * 86_400, now)).toBe(1_735_689_600 + 31_536_000);
  });

  it('rounds fractions up, so a short ttl never becomes 0 (never expire)', () => {
    expect(toExpiration(1.2, now)).toBe(2);
  });

  it.each([0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses ttl %s', (ttl) => {
    expect(() => toExpiration(ttl, now)).toThrow(RangeError);
  });

  it('refuses a ttl that overflows the 32-bit expiration field', () => {
    expect(() => toExpiration(2 ** 32, now)).toThrow(/2106/);
  });
});
