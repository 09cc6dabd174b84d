import { describe, expect, it } from 'vitest';
import { quantile, Tally } from './tally.js';

describe('Tally', () => {
  it('counts acknowledged answers and the rest by outcome', () => {
    const tally = new Tally();
    tally.record({ status: 200, body: undefined, ms: 5 }, 1000);
    tally.record({ status: 503, body: undefined, ms: 7 }, 1001);
    tally.record({ status: 0, body: undefined, ms: 9, failure: 'timeout' }, 1002);
    tally.record({ status: 204, body: undefined, ms: 1 }, 2000);
    expect(tally.acknowledged).toBe(2);
    expect(tally.nonAcknowledged).toBe(2);
    expect(tally.refusedSummary()).toEqual({ '503': 1, timeout: 1 });
    expect(tally.acknowledgedBetween(999, 1500)).toBe(1);
  });

  it('hands out one window at a time', () => {
    const tally = new Tally();
    for (const ms of [1, 2, 3, 100]) tally.record({ status: 200, body: undefined, ms });
    tally.record({ status: 500, body: undefined, ms: 4 });
    expect(tally.takeWindow()).toEqual({ requests: 5, errors: 1, p50Ms: 3, p99Ms: 100 });
    expect(tally.takeWindow()).toEqual({ requests: 0, errors: 0, p50Ms: 0, p99Ms: 0 });
  });

  it('takes nearest-rank quantiles', () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
  });
});
