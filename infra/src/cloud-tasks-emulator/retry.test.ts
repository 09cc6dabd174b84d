import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RetrySpec } from './queue-spec.js';
import { backoffMs, retriesExhausted } from './retry.js';

const spec = (overrides: Partial<RetrySpec>): RetrySpec => ({
  maxAttempts: -1,
  maxRetryDurationMs: 0,
  minBackoffMs: 10_000,
  maxBackoffMs: 300_000,
  maxDoublings: 3,
  ...overrides,
});

describe('backoffMs', () => {
  it('doubles max_doublings times, then grows linearly, then caps (the Cloud Tasks example)', () => {
    const delays = Array.from({ length: 9 }, (_, i) => backoffMs(spec({}), i + 1) / 1000);
    expect(delays).toEqual([10, 20, 40, 80, 160, 240, 300, 300, 300]);
  });

  it('grows linearly from the start with max_doublings 0 (the App Engine barqueue example)', () => {
    const delays = Array.from(
      { length: 22 },
      (_, i) => backoffMs(spec({ maxDoublings: 0, maxBackoffMs: 200_000 }), i + 1) / 1000,
    );
    expect(delays.slice(0, 3)).toEqual([10, 20, 30]);
    expect(delays.slice(18)).toEqual([190, 200, 200, 200]);
  });

  it('never shrinks and never passes max_backoff', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(20), fc.integer({ min: 1, max: 60 }), (min, doublings, retry) => {
        const s = spec({ minBackoffMs: min, maxBackoffMs: min * 50, maxDoublings: doublings });
        expect(backoffMs(s, retry + 1)).toBeGreaterThanOrEqual(backoffMs(s, retry));
        expect(backoffMs(s, retry)).toBeLessThanOrEqual(s.maxBackoffMs);
      }),
    );
  });
});

describe('retriesExhausted', () => {
  it('stops after max attempts when no age limit is set', () => {
    expect(retriesExhausted(spec({ maxAttempts: 3 }), 2, 0, 0)).toBe(false);
    expect(retriesExhausted(spec({ maxAttempts: 3 }), 3, 0, 0)).toBe(true);
  });

  it('stops after the age limit when attempts are unlimited', () => {
    expect(retriesExhausted(spec({ maxRetryDurationMs: 1000 }), 50, 0, 999)).toBe(false);
    expect(retriesExhausted(spec({ maxRetryDurationMs: 1000 }), 50, 0, 1000)).toBe(true);
  });

  it('needs both limits reached when both are set', () => {
    const both = spec({ maxAttempts: 3, maxRetryDurationMs: 1000 });
    expect(retriesExhausted(both, 5, 0, 500)).toBe(false);
    expect(retriesExhausted(both, 2, 0, 5000)).toBe(false);
    expect(retriesExhausted(both, 3, 0, 1000)).toBe(true);
  });

  it('retries forever with neither limit', () => {
    expect(retriesExhausted(spec({}), 1_000_000, 0, 1e12)).toBe(false);
  });
});
