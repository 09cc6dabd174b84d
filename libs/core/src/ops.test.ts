import { describe, expect, it } from 'vitest';
import { isSessionError } from './errors.js';
import { applyOps, checkedSum } from './ops.js';

describe('applyOps', () => {
  it('applies set, delete and incr in order without touching the input', () => {
    const base = Object.freeze({ a: 1, b: 'x' });
    const out = applyOps(base, [
      { op: 'set', name: 'c', value: [1, 2] },
      { op: 'delete', name: 'b' },
      { op: 'incr', name: 'a', by: 4 },
    ]);
    expect(out).toEqual({ a: 5, c: [1, 2] });
    expect(base).toEqual({ a: 1, b: 'x' });
    expect(Object.isFrozen(out)).toBe(true);
  });

  it('lets a later op on the same name win', () => {
    expect(
      applyOps({}, [
        { op: 'set', name: 'a', value: 'x' },
        { op: 'delete', name: 'a' },
        { op: 'set', name: 'a', value: 2 },
        { op: 'incr', name: 'a', by: 3 },
      ]),
    ).toEqual({ a: 5 });
  });

  it('returns the input itself for no ops', () => {
    const base = Object.freeze({ a: 1 });
    expect(applyOps(base, [])).toBe(base);
  });

  it('deletes a missing name without complaint', () => {
    expect(applyOps({ a: 1 }, [{ op: 'delete', name: 'b' }])).toEqual({ a: 1 });
  });

  it('starts incr from 0 on a missing or non-numeric attribute', () => {
    const out = applyOps({ s: 'text', n: null, o: { x: 1 }, l: [1] }, [
      { op: 'incr', name: 'missing', by: 2 },
      { op: 'incr', name: 's', by: 1 },
      { op: 'incr', name: 'n', by: -1 },
      { op: 'incr', name: 'o', by: 5 },
      { op: 'incr', name: 'l', by: 0.5 },
    ]);
    expect(out).toEqual({ missing: 2, s: 1, n: -1, o: 5, l: 0.5 });
  });

  it('treats names like __proto__ and constructor as plain keys', () => {
    const out = applyOps({}, [
      { op: 'set', name: '__proto__', value: { polluted: true } },
      { op: 'incr', name: 'constructor', by: 1 },
      { op: 'incr', name: 'toString', by: 2 },
    ]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: true });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    const removed = applyOps(out, [{ op: 'delete', name: '__proto__' }]);
    expect(Object.hasOwn(removed, '__proto__')).toBe(false);
    expect(removed).toEqual({ constructor: 1, toString: 2 });
  });

  it('refuses an incr that overflows, leaving the input as it was', () => {
    const base = Object.freeze({ big: Number.MAX_VALUE, edge: Number.MAX_SAFE_INTEGER });
    const overflow = (name: string, by: number) => {
      try {
        applyOps(base, [
          { op: 'set', name: 'other', value: 1 },
          { op: 'incr', name, by },
        ]);
      } catch (error) {
        return isSessionError(error, 'SESSION_INVALID_OPERATION');
      }
      return false;
    };
    expect(overflow('big', Number.MAX_VALUE)).toBe(true);
    expect(overflow('edge', 1)).toBe(true);
    expect(overflow('edge', -1)).toBe(false);
    expect(base).toEqual({ big: Number.MAX_VALUE, edge: Number.MAX_SAFE_INTEGER });
  });
});

describe('checkedSum', () => {
  it('adds within range, integers and fractions alike', () => {
    expect(checkedSum(Number.MAX_SAFE_INTEGER - 1, 1, 'n')).toBe(Number.MAX_SAFE_INTEGER);
    expect(checkedSum(-Number.MAX_SAFE_INTEGER + 1, -1, 'n')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(checkedSum(0.1, 0.2, 'n')).toBeCloseTo(0.3);
    expect(checkedSum(1e300, 0.5, 'n')).toBe(1e300);
  });

  it('refuses integer results past the safe range, where +1 would change nothing', () => {
    expect(() => checkedSum(Number.MAX_SAFE_INTEGER, 1, 'n')).toThrow(/"n".*overflows/);
    expect(() => checkedSum(-Number.MAX_SAFE_INTEGER, -1, 'n')).toThrow(/overflows/);
    expect(() => checkedSum(2 ** 60, 1, 'n')).toThrow(/overflows/);
  });

  it('refuses non-finite results', () => {
    expect(() => checkedSum(Number.MAX_VALUE, Number.MAX_VALUE, 'n')).toThrow(/overflows/);
    expect(() => checkedSum(-Number.MAX_VALUE, -Number.MAX_VALUE * 0.9, 'n')).toThrow(/overflows/);
  });
});
