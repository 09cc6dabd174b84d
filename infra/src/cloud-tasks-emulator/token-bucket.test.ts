import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a full bucket out at once, then refills at the rate', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.msUntilToken(0)).toBe(100);
    expect(bucket.tryTake(99)).toBe(false);
    expect(bucket.tryTake(100)).toBe(true);
  });

  it('never holds more than its capacity', () => {
    const bucket = new TokenBucket(1000, 2, 0);
    bucket.tryTake(0);
    let taken = 0;
    while (bucket.tryTake(60_000)) taken += 1;
    expect(taken).toBe(2);
  });

  it('counts the dispatches of a long run as rate × time + burst', () => {
    const bucket = new TokenBucket(20, 5, 0);
    let taken = 0;
    for (let t = 0; t <= 2000; t += 1) while (bucket.tryTake(t)) taken += 1;
    expect(taken).toBe(5 + 40);
  });

  it('stays empty at rate 0 (a paused queue)', () => {
    const bucket = new TokenBucket(0, 1, 0);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.msUntilToken(1e9)).toBe(Number.POSITIVE_INFINITY);
  });
});
