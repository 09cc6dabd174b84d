import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOperationError } from './errors.js';
import { toJsonValue, type JsonObject, type JsonValue } from './json.js';
import { applyOps, type Op } from './ops.js';

/** Names drawn from a small pool, hostile ones included, so that ops collide on the same attribute. */
const name = fc.constantFrom('a', 'b', 'n', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '0');
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, -0, 0.5),
);
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), number) as fc.Arbitrary<JsonValue>;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), name, value: value.map((v) => toJsonValue(v)) }),
  fc.record({ op: fc.constant('delete' as const), name }),
  fc.record({ op: fc.constant('incr' as const), name, by: number }),
);
/** A stored attribute map (parsed from JSON, as sessions hold them), hostile keys included. */
const attrs = fc
  .array(fc.tuple(name, value), { maxLength: 6 })
  .map((pairs) => JSON.parse(JSON.stringify(Object.fromEntries(pairs))) as JsonObject);

/** The reference model: a null-prototype dictionary updated op by op, written independently of applyOps. */
function model(base: JsonObject, ops: readonly Op[]): Record<string, JsonValue> | 'overflow' {
  const state = Object.create(null) as Record<string, JsonValue>;
  for (const key of Object.keys(base)) state[key] = base[key] as JsonValue;
  for (const one of ops) {
    if (one.op === 'set') state[one.name] = one.value;
    else if (one.op === 'delete') Reflect.deleteProperty(state, one.name);
    else {
      const current = state[one.name];
      const start = typeof current === 'number' ? current : 0;
      const sum = start + one.by;
      const integers = Number.isInteger(start) && Number.isInteger(one.by);
      if (integers ? !Number.isSafeInteger(sum) : !Number.isFinite(sum)) return 'overflow';
      state[one.name] = sum;
    }
  }
  return state;
}

/**
 * Property tests do a fixed number of runs of CPU-bound work: a few hundred milliseconds on an
 * idle machine, several seconds on a busy 2-core one. Their time limit only catches a hang, so it
 * is not the 5 s default.
 */
const FUZZ = { timeout: 60_000 };

describe('applyOps against a reference model (fuzz)', FUZZ, () => {
  it('gives the model’s attributes, as frozen valid JSON, or refuses an overflow and changes nothing', () => {
    let applied = 0;
    let overflows = 0;
    fc.assert(
      fc.property(attrs, fc.array(op, { maxLength: 30 }), (base, ops) => {
        const before = JSON.stringify(base);
        const expected = model(base, ops);
        let result: JsonObject;
        try {
          result = applyOps(base, ops);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidOperationError);
          expect(expected).toBe('overflow');
          expect(JSON.stringify(base)).toBe(before);
          overflows++;
          return;
        }
        applied++;
        expect(expected).not.toBe('overflow');
        // Same own keys and values as the model; an ordinary object, not polluted.
        expect(Object.keys(result).sort()).toEqual(Object.keys(expected as object).sort());
        for (const key of Object.keys(result))
          expect(Object.getOwnPropertyDescriptor(result, key)?.value).toEqual(
            (expected as Record<string, JsonValue>)[key],
          );
        expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
        // No ops hand back the input itself (as documented); anything else is a new, frozen map.
        if (ops.length === 0) expect(result).toBe(base);
        else expect(Object.isFrozen(result)).toBe(true);
        // Valid JSON that survives a round trip (what the cache and the events carry).
        expect(() => toJsonValue(result)).not.toThrow();
        expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(JSON.stringify(toJsonValue(result))));
        expect(JSON.stringify(base)).toBe(before);
      }),
      { numRuns: 2000 },
    );
    expect(applied).toBeGreaterThan(1000);
    expect(overflows).toBeGreaterThan(0);
  });

  it('re-applying the same ops to the same base gives the same result (conflict re-apply is deterministic)', () => {
    fc.assert(
      fc.property(attrs, fc.array(op, { maxLength: 20 }), (base, ops) => {
        let first: string | undefined;
        try {
          first = JSON.stringify(applyOps(base, ops));
        } catch {
          first = undefined;
        }
        let second: string | undefined;
        try {
          second = JSON.stringify(applyOps(base, ops));
        } catch {
          second = undefined;
        }
        expect(second).toBe(first);
      }),
      { numRuns: 500 },
    );
  });

  it('applying ops in two slices equals applying them at once', () => {
    fc.assert(
      fc.property(attrs, fc.array(op, { maxLength: 20 }), fc.nat(), (base, ops, cut) => {
        const at = ops.length === 0 ? 0 : cut % (ops.length + 1);
        let whole: string;
        try {
          whole = JSON.stringify(applyOps(base, ops));
        } catch {
          return;
        }
        const sliced = applyOps(applyOps(base, ops.slice(0, at)), ops.slice(at));
        expect(JSON.stringify(sliced)).toBe(whole);
      }),
      { numRuns: 500 },
    );
  });
});
