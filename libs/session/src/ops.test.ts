import { describe, expect, it } from 'vitest';
import { applyOps } from './ops.js';

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
  });
});
