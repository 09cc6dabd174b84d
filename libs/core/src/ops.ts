import { InvalidOperationError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';

/** One recorded change to a session's attributes. Ops are re-applied on a write conflict. */
export type Op =
  | { readonly op: 'set'; readonly name: string; readonly value: JsonValue }
  | { readonly op: 'delete'; readonly name: string }
  | { readonly op: 'incr'; readonly name: string; readonly by: number };

/**
 * Applies `ops` in order to `attrs` and returns the new attribute map (the input is not
 * modified). An `incr` on a missing or non-numeric attribute starts from 0: on a conflict
 * re-apply another request may have changed the type, and the increment must not be lost.
 */
export function applyOps(attrs: JsonObject, ops: readonly Op[]): JsonObject {
  if (ops.length === 0) return attrs;
  // A Map, not an object: names such as "__proto__" or "constructor" are plain keys here.
  const out = new Map<string, JsonValue>(Object.entries(attrs));
  for (const op of ops) {
    switch (op.op) {
      case 'set':
        out.set(op.name, op.value);
        break;
      case 'delete':
        out.delete(op.name);
        break;
      case 'incr': {
        const current = out.get(op.name);
        out.set(op.name, checkedSum(typeof current === 'number' ? current : 0, op.by, op.name));
        break;
      }
    }
  }
  return Object.freeze(Object.fromEntries(out));
}

/**
 * `current + by`, refused with an {@link InvalidOperationError} when the result is not finite or,
 * for integers, leaves the safe-integer range, where adding 1 can silently change nothing.
 */
export function checkedSum(current: number, by: number, name: string): number {
  const sum = current + by;
  const exact = Number.isInteger(current) && Number.isInteger(by) ? Number.isSafeInteger(sum) : Number.isFinite(sum);
  if (!exact) throw new InvalidOperationError(`incrementing "${name}" (${current}) by ${by} overflows`);
  return sum;
}
