import { InvalidOperationError } from './errors.js';
import type { JsonObject, JsonValue } from './json.js';

/** One recorded change to a session's attributes. Ops are re-applied on a write conflict. */
export type Op =
  | { readonly op: 'set'; readonly name: string; readonly value: JsonValue }
  | { readonly op: 'delete'; readonly name: string }
  | { readonly op: 'incr'; readonly name: string; readonly by: number }
  | { readonly op: 'clear' };

/**
 * Applies `ops` in order to `attrs` and returns the new attribute map (the input is not
 * modified). An `incr` on a missing or non-numeric attribute starts from 0: on a conflict
 * re-apply another request may have changed the type, and the increment must not be lost.
 */
export function applyOps(attrs: JsonObject, ops: readonly Op[]): JsonObject {
  if (ops.length === 0) return attrs;
  const out: Record<string, JsonValue> = { ...attrs };
  for (const op of ops) {
    switch (op.op) {
      case 'set':
        out[op.name] = op.value;
        break;
      case 'delete':
        delete out[op.name];
        break;
      case 'incr': {
        const current = out[op.name];
        out[op.name] = checkedSum(typeof current === 'number' ? current : 0, op.by, op.name);
        break;
      }
      case 'clear':
        for (const name of Object.keys(out)) delete out[name];
        break;
    }
  }
  return Object.freeze(out);
}

export function checkedSum(current: number, by: number, name: string): number {
  const sum = current + by;
  if (!Number.isFinite(sum)) throw new InvalidOperationError(`incrementing "${name}" overflows to ${sum}`);
  return sum;
}
