import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMEOUT_MS,
  InvalidOperationError,
  InvalidValueError,
  isSessionError,
  isWellFormedToken,
  MAX_JSON_DEPTH,
  newToken,
  sessionKey,
  type SessionRecord,
} from '@gaesession/core';
import { Session, tokenOf } from './session.js';

function loaded(attrs: Record<string, unknown> = {}, constants: Record<string, unknown> = {}): Session {
  const token = newToken();
  // Parsed JSON, as a store returns it: nothing frozen yet.
  const record = JSON.parse(
    JSON.stringify({ key: sessionKey(token), version: 3, created: 1, accessed: 2, timeout: 60_000, constants, attrs }),
  ) as SessionRecord;
  return Session.fromRecord(token, record);
}

describe('Session.create', () => {
  it('starts empty and new, with a fresh well-formed token whose hash is the key', () => {
    const session = Session.create({ now: 1000 });
    const token = tokenOf(session);
    expect(isWellFormedToken(token)).toBe(true);
    expect(session.key).toBe(sessionKey(token));
    expect(session.key).not.toContain(token);
    expect(session.version).toBe(0);
    expect(session.isNew).toBe(true);
    expect(session.lifecycle).toBe('new');
    expect(session.changed).toBe(true);
    expect(session.keys()).toEqual([]);
    expect(session.timeout).toBe(DEFAULT_TIMEOUT_MS);
    expect(session.created).toBe(1000);
    expect(session.expiresAt).toBe(1000 + DEFAULT_TIMEOUT_MS);
    expect(tokenOf(Session.create())).not.toBe(token);
  });

  it('does not leak the token through toJSON', () => {
    const session = Session.create();
    expect(JSON.stringify(session)).not.toContain(tokenOf(session));
  });

  it('refuses a bad timeout and non-JSON or non-object constants', () => {
    for (const timeout of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => Session.create({ timeout })).toThrow(InvalidValueError);
    }
    expect(() => Session.create({ constants: { when: new Date() } })).toThrow(/constants\.when/);
    expect(() => Session.create({ constants: [1] as unknown as Record<string, unknown> })).toThrow(InvalidValueError);
  });
});

describe('Session attributes', () => {
  it('gets, sets, has, keys, deletes', () => {
    const session = loaded({ a: 1 });
    expect(session.get('a')).toBe(1);
    expect(session.get('b')).toBeUndefined();
    session.set('b', { x: [1] });
    expect(session.get('b')).toEqual({ x: [1] });
    expect(session.has('b')).toBe(true);
    expect(session.keys()).toEqual(['a', 'b']);
    expect(session.delete('a')).toBe(true);
    expect(session.delete('a')).toBe(false);
    expect(session.has('a')).toBe(false);
    expect(session.ops).toEqual([
      { op: 'set', name: 'b', value: { x: [1] } },
      { op: 'delete', name: 'a' },
    ]);
    expect(session.snapshot().attrs).toEqual({ b: { x: [1] } });
  });

  it('records nothing, and stays unchanged, for a set of an equal value', () => {
    const session = loaded({ a: { list: [1, 2], n: null }, s: 'x' });
    session.set('a', { n: null, list: [1, 2] });
    session.set('s', 'x');
    expect(session.delete('missing')).toBe(false);
    expect(session.ops).toEqual([]);
    expect(session.changed).toBe(false);
    session.set('a', { list: [1, 2, 3], n: null });
    expect(session.changed).toBe(true);
    expect(session.ops).toHaveLength(1);
  });

  it('treats an array and an object with the same entries as different', () => {
    const session = loaded({ a: [1] });
    session.set('a', { 0: 1 });
    expect(session.ops).toHaveLength(1);
    expect(session.get('a')).toEqual({ 0: 1 });
  });

  it('never returns inherited properties as attributes or constants', () => {
    const session = loaded({ a: 1 }, { user: 'u' });
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(session.get(name)).toBeUndefined();
      expect(session.constant(name)).toBeUndefined();
      expect(session.has(name)).toBe(false);
    }
    expect(Object.isFrozen(Object.prototype)).toBe(false);
    expect(session.increment('constructor')).toBe(1);
    session.set('__proto__', { x: 1 });
    expect(session.get('__proto__')).toEqual({ x: 1 });
    expect(session.keys().sort()).toEqual(['__proto__', 'a', 'constructor']);
  });

  it('refuses empty names and non-JSON values, naming the attribute', () => {
    const session = loaded();
    expect(() => session.set('', 1)).toThrow(InvalidValueError);
    expect(() => session.set('cart', { items: [() => 1] })).toThrow(/^cart\.items\[0\] is a function/);
    expect(() => session.increment('')).toThrow(InvalidValueError);
    expect(session.ops).toEqual([]);
  });

  it('stores a copy: later edits of the caller’s object do not leak in', () => {
    const session = loaded();
    const cart = { items: ['a'] };
    session.set('cart', cart);
    cart.items.push('b');
    expect(session.get('cart')).toEqual({ items: ['a'] });
  });

  it('throws on an in-place edit of a stored value, loaded or set', () => {
    const session = loaded({ cart: { items: ['a'] } });
    const stored = session.get('cart') as { items: string[] };
    expect(() => stored.items.push('b')).toThrow(TypeError);
    expect(() => {
      (stored as { extra?: number }).extra = 1;
    }).toThrow(TypeError);
    session.set('other', { n: 1 });
    const set = session.get('other') as { n: number };
    expect(() => {
      set.n = 2;
    }).toThrow(TypeError);
    expect(session.ops).toHaveLength(1);
  });

  it('does not let the base record, snapshot or constants be edited in place', () => {
    const session = loaded({ a: { n: 1 } }, { user: { id: 'u1' } });
    expect(() => {
      (session.base.attrs as Record<string, unknown>).b = 2;
    }).toThrow(TypeError);
    expect(() => {
      (session.constants as Record<string, unknown>).user = 'evil';
    }).toThrow(TypeError);
    expect(() => {
      (session.constant('user') as { id: string }).id = 'evil';
    }).toThrow(TypeError);
    expect(() => {
      (session.snapshot().attrs.a as { n: number }).n = 2;
    }).toThrow(TypeError);
    expect(session.constant('user')).toEqual({ id: 'u1' });
  });

  it('keeps constants fixed: there is no way to set them after creation', () => {
    const session = Session.create({ constants: { user: 'u1' } });
    session.set('user', 'u2');
    expect(session.constant('user')).toBe('u1');
    expect(session.get('user')).toBe('u2');
    expect(session.snapshot().constants).toEqual({ user: 'u1' });
  });
});

describe('Session.increment', () => {
  it('counts from 0 and returns the new value', () => {
    const session = loaded({ n: 5 });
    expect(session.increment('n')).toBe(6);
    expect(session.increment('n', -10)).toBe(-4);
    expect(session.increment('fresh', 2.5)).toBe(2.5);
    expect(session.ops).toEqual([
      { op: 'incr', name: 'n', by: 1 },
      { op: 'incr', name: 'n', by: -10 },
      { op: 'incr', name: 'fresh', by: 2.5 },
    ]);
  });

  it('throws InvalidOperationError on a non-number and records nothing', () => {
    const session = loaded({ s: 'text', o: {}, l: [], z: null });
    for (const name of ['s', 'o', 'l', 'z']) {
      expect(() => session.increment(name)).toThrow(InvalidOperationError);
    }
    expect(() => session.increment('s')).toThrow(/"s": it holds a string/);
    expect(session.ops).toEqual([]);
  });

  it('refuses a non-finite step and an overflow', () => {
    const session = loaded({ big: Number.MAX_SAFE_INTEGER });
    expect(() => session.increment('n', NaN)).toThrow(InvalidValueError);
    expect(() => session.increment('n', Infinity)).toThrow(InvalidValueError);
    expect(() => session.increment('n', '1' as unknown as number)).toThrow(InvalidValueError);
    let error: unknown;
    try {
      session.increment('big');
    } catch (caught) {
      error = caught;
    }
    expect(isSessionError(error, 'SESSION_INVALID_OPERATION')).toBe(true);
    expect(session.get('big')).toBe(Number.MAX_SAFE_INTEGER);
    expect(session.ops).toEqual([]);
  });
});

describe('Session lifecycle', () => {
  it('is unchanged when only loaded and read', () => {
    const session = loaded({ a: 1 });
    session.get('a');
    expect(session.lifecycle).toBe('loaded');
    expect(session.isNew).toBe(false);
    expect(session.changed).toBe(false);
    expect(session.version).toBe(3);
  });

  it('regenerate gives a new token and key, keeps the data and remembers the old key', () => {
    const session = loaded({ a: 1 }, { user: 'u' });
    const oldKey = session.key;
    const oldToken = tokenOf(session);
    session.regenerate();
    expect(tokenOf(session)).not.toBe(oldToken);
    expect(session.key).toBe(sessionKey(tokenOf(session)));
    expect(session.key).not.toBe(oldKey);
    expect(session.previousKey).toBe(oldKey);
    expect(session.lifecycle).toBe('regenerated');
    expect(session.changed).toBe(true);
    expect(session.get('a')).toBe(1);
    expect(session.constant('user')).toBe('u');
    session.regenerate();
    expect(session.previousKey).toBe(oldKey);
  });

  it('regenerate of a new session just changes its token', () => {
    const session = Session.create();
    const key = session.key;
    session.regenerate();
    expect(session.key).not.toBe(key);
    expect(session.lifecycle).toBe('new');
    expect(session.previousKey).toBeUndefined();
  });

  it('destroy stops every later change', () => {
    const session = loaded({ a: 1 });
    session.destroy();
    expect(session.lifecycle).toBe('destroyed');
    expect(session.changed).toBe(true);
    expect(() => session.set('b', 1)).toThrow(InvalidOperationError);
    expect(() => session.set('a', 1)).toThrow(InvalidOperationError);
    expect(() => session.delete('a')).toThrow(InvalidOperationError);
    expect(() => session.delete('missing')).toThrow(InvalidOperationError);
    expect(() => session.increment('n')).toThrow(InvalidOperationError);
    expect(() => {
      session.regenerate();
    }).toThrow(InvalidOperationError);
    expect(session.get('a')).toBe(1);
  });

  it('markSaved makes the saved record the new base', () => {
    const session = loaded({ a: 1 });
    session.increment('a');
    const saved = { ...session.snapshot(), version: 4 };
    session.markSaved(saved);
    expect(session.version).toBe(4);
    expect(session.ops).toEqual([]);
    expect(session.changed).toBe(false);
    expect(session.get('a')).toBe(2);
  });

  it('markDestroyed leaves version 0, so nothing is left to destroy', () => {
    const session = loaded();
    session.destroy();
    session.markDestroyed();
    expect(session.version).toBe(0);
    expect(session.lifecycle).toBe('destroyed');
  });
});

describe('JSON nesting limit', () => {
  /** A value nesting `depth` arrays. */
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let level = 0; level < depth; level++) value = [value];
    return value;
  };

  it('applies the limit to session values and constants, with a typed error', () => {
    const session = Session.create();
    expect(() => session.set('deep', nested(MAX_JSON_DEPTH + 1))).toThrow(InvalidValueError);
    expect(session.set('ok', nested(MAX_JSON_DEPTH)).has('ok')).toBe(true);
    expect(() => Session.create({ constants: { deep: nested(MAX_JSON_DEPTH) } })).toThrow(InvalidValueError);
  });
});
