import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidValueError, isSessionError } from './errors.js';
import { freezeJson, toJsonValue, type JsonValue } from './json.js';

/** The InvalidValueError `toJsonValue` throws for `value`, or fails the test. */
function refusal(value: unknown, path?: string): InvalidValueError {
  try {
    toJsonValue(value, path);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidValueError);
    expect(isSessionError(error, 'SESSION_INVALID_VALUE')).toBe(true);
    return error as InvalidValueError;
  }
  throw new Error(`expected ${String(value)} to be refused`);
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('toJsonValue', () => {
  it('accepts nested plain JSON and returns an equal, deep-frozen copy', () => {
    const input = { a: 1, b: 'x', c: [true, null, { d: [1.5, -2] }], e: {} };
    const output = toJsonValue(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(isDeepFrozen(output)).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(input.c)).toBe(false);
  });

  it('does not share structure with the input', () => {
    const inner = { n: 1 };
    const output = toJsonValue({ inner }) as { inner: { n: number } };
    inner.n = 2;
    expect(output.inner.n).toBe(1);
  });

  it('returns primitives as they are, and -0 as 0 (JSON writes it as 0)', () => {
    expect(toJsonValue('s')).toBe('s');
    expect(toJsonValue(false)).toBe(false);
    expect(toJsonValue(null)).toBe(null);
    expect(Object.is(toJsonValue(-0), 0)).toBe(true);
    expect(Object.is((toJsonValue([-0]) as number[])[0], 0)).toBe(true);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(toJsonValue(bare)).toEqual({ a: 1 });
  });

  it('keeps "__proto__" as an own key, as JSON.parse does', () => {
    const parsed: unknown = JSON.parse('{"__proto__":{"x":1},"constructor":2}');
    const output = toJsonValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect(Object.hasOwn(output, '__proto__')).toBe(true);
    expect(JSON.stringify(output)).toBe('{"__proto__":{"x":1},"constructor":2}');
  });

  it('accepts a shared (non-cyclic) reference twice', () => {
    const shared = { v: 1 };
    expect(toJsonValue({ a: shared, b: [shared, shared] })).toEqual({ a: { v: 1 }, b: [{ v: 1 }, { v: 1 }] });
  });

  it.each([
    ['a function', () => 1, /value is a function/],
    ['a symbol', Symbol('s'), /value is a symbol/],
    ['a BigInt', 10n, /value is a bigint/],
    ['undefined', undefined, /value is undefined/],
    ['NaN', NaN, /value is NaN/],
    ['Infinity', Infinity, /value is Infinity/],
    ['-Infinity', -Infinity, /value is -Infinity/],
    ['a Date', new Date(0), /value is not a plain object \(Date\)/],
    ['a Map', new Map(), /value is not a plain object \(Map\)/],
    ['a Set', new Set([1]), /value is not a plain object \(Set\)/],
    ['a RegExp', /x/, /value is not a plain object \(RegExp\)/],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })() as unknown,
      /value is not a plain object \(Point\)/,
    ],
    ['a boxed string', Object('s') as object, /value is not a plain object \(String\)/],
    ['a typed array', new Uint8Array(2), /value is not a plain object \(Uint8Array\)/],
    ['an Error', new Error('x'), /value is not a plain object \(Error\)/],
  ])('refuses %s', (_, value, message) => {
    expect(refusal(value).message).toMatch(message);
  });

  it('names the path of a nested offender', () => {
    const value = { user: { tags: ['a', { when: new Date(0) }] } };
    expect(refusal(value, 'profile').message).toMatch(/^profile\.user\.tags\[1\]\.when is not a plain object \(Date\)/);
    expect(refusal({ 'odd key': [undefined] }).message).toMatch(/^value\["odd key"\]\[0\] is undefined/);
    expect(refusal({ a: { b: () => 1 } }).message).toMatch(/^value\.a\.b is a function/);
    expect(refusal({ a: [1, 2n] }).message).toMatch(/^value\.a\[1\] is a bigint/);
    expect(refusal({ a: { n: NaN } }).message).toMatch(/^value\.a\.n is NaN/);
  });

  it('refuses symbol keys, which JSON drops', () => {
    expect(refusal({ a: { [Symbol('k')]: 1 } }).message).toMatch(/^value\.a has symbol keys/);
  });

  it('refuses cycles, in objects and in arrays', () => {
    const object: Record<string, unknown> = { a: 1 };
    object.self = { back: object };
    expect(refusal(object).message).toMatch(/^value\.self\.back refers back to itself/);
    const array: unknown[] = [1];
    array.push([array]);
    expect(refusal(array).message).toMatch(/^value\[1\]\[0\] refers back to itself/);
  });

  it('refuses sparse arrays and arrays with extra properties, which JSON changes', () => {
    // eslint-disable-next-line no-sparse-arrays -- the point of the test
    expect(refusal([1, , 3]).message).toMatch(/^value\[1\] is an empty slot/);
    expect(refusal({ list: Object.assign([1], { extra: 2 }) }).message).toMatch(/^value\.list is an array with extra/);
    expect(refusal(Object.assign([1], { [Symbol('s')]: 2 })).message).toMatch(/extra properties/);
  });

  it('accepts any JSON value, returning what a JSON round trip returns', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const output = toJsonValue(value);
        expect(output).toEqual(JSON.parse(JSON.stringify(value)));
        expect(JSON.stringify(output)).toBe(JSON.stringify(value));
        expect(isDeepFrozen(output)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts JSON full of hostile keys and -0 the same way', () => {
    // fc.jsonValue() yields these only now and then; here every value is made of them.
    const key = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', '0', 'a');
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(-0, 0, 1.5, null, true, '__proto__'),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(key, tie('json'), { maxKeys: 5 }),
      ),
    }));
    const parsedJson = json.map((value) => JSON.parse(JSON.stringify(value)) as unknown);
    fc.assert(
      fc.property(fc.oneof(json, parsedJson), (value) => {
        const output = toJsonValue(value);
        expect(JSON.stringify(output)).toBe(JSON.stringify(value));
        expect(output).toEqual(JSON.parse(JSON.stringify(value)));
        expect(isDeepFrozen(output)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(Object.isFrozen(Object.prototype)).toBe(false);
  });

  it('either accepts anything (and it round-trips) or throws InvalidValueError', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(anything, (value) => {
        let output: JsonValue;
        try {
          output = toJsonValue(value);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidValueError);
          refused++;
          return;
        }
        accepted++;
        expect(output).toEqual(JSON.parse(JSON.stringify(value)));
        expect(isDeepFrozen(output)).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('freezeJson', () => {
  it('freezes nested values even inside an already frozen container', () => {
    const inner = { list: [1, { deep: true }] };
    const outer = Object.freeze({ inner });
    freezeJson(outer);
    expect(isDeepFrozen(outer)).toBe(true);
    expect(() => {
      (inner.list[1] as { deep: boolean }).deep = false;
    }).toThrow(TypeError);
  });
});
