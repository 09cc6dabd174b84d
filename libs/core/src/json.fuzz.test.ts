import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidValueError } from './errors.js';
import { MAX_JSON_DEPTH, toJsonValue } from './json.js';

/** A value nesting `depth` containers: arrays and objects, chosen by `kinds`. */
function nested(depth: number, kinds: readonly boolean[] = []): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++)
    value = (kinds[level % Math.max(kinds.length, 1)] ?? true) ? [value] : { k: value };
  return value;
}

/**
 * Property tests do a fixed number of runs of CPU-bound work: a few hundred milliseconds on an
 * idle machine, several seconds on a busy 2-core one. Their time limit only catches a hang, so it
 * is not the 5 s default.
 */
const FUZZ = { timeout: 60_000 };

describe('toJsonValue nesting limit', FUZZ, () => {
  it(`accepts values nesting up to ${MAX_JSON_DEPTH} levels and refuses deeper ones with InvalidValueError (fuzz)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * MAX_JSON_DEPTH }),
        fc.array(fc.boolean(), { maxLength: 5 }),
        (depth, kinds) => {
          const value = nested(depth, kinds);
          if (depth <= MAX_JSON_DEPTH) {
            expect(JSON.stringify(toJsonValue(value))).toBe(JSON.stringify(value));
          } else {
            expect(() => toJsonValue(value)).toThrow(InvalidValueError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a value nested 100000 deep with InvalidValueError, not a stack overflow', () => {
    for (const kinds of [[true], [false], [true, false]]) {
      expect(() => toJsonValue(nested(100_000, kinds))).toThrow(/nests deeper than 100 levels/);
    }
  });

  it('takes a custom limit', () => {
    expect(() => toJsonValue(nested(3), 'v', 2)).toThrow(/v\[0\]\[0\] nests deeper than 2 levels/);
    expect(toJsonValue(nested(2), 'v', 2)).toEqual([[1]]);
  });
});
