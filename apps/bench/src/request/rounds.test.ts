import { describe, expect, it } from 'vitest';
import type { RunStats, ServerResult } from './report.js';
import { median, mergeRounds } from './rounds.js';

const stats = (rate: number, serverPercent: number, failures = 0): RunStats => ({
  requestsPerSec: rate,
  p50Ms: rate / 100,
  p99Ms: rate / 10,
  requests: rate,
  succeeded: rate,
  failures,
  failureDetail: failures > 0 ? `${failures}×503` : '',
  cpu: { seconds: 1, server: serverPercent, loadGenerator: 10, rest: 5 },
});

const row = (rate: number, extra: Partial<ServerResult> = {}): ServerResult => ({
  id: 'gaesession',
  label: 'gaesession',
  read: stats(rate, 50),
  write: stats(rate, 60),
  ...extra,
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

describe('mergeRounds', () => {
  it('returns a single round as it is', () => {
    const round = [row(100)];
    expect(mergeRounds([round])).toEqual(round);
  });

  it('takes medians per figure (µs per request: the median of each round’s), adds lost writes and failures', () => {
    const [merged] = mergeRounds([
      [row(100, { lostWrites: 1, drain: 200, workerUsPerEvent: 300 })],
      [row(300, { lostWrites: 0, drain: 400, workerUsPerEvent: 100 })],
      [row(200, { lostWrites: 2, drain: 300, workerUsPerEvent: 200, write: stats(200, 60, 4) })],
    ]);
    expect(merged?.read?.requestsPerSec).toBe(200);
    expect(merged?.read?.p99Ms).toBe(20);
    // 0.5 CPU s over 100, 300 and 200 answers: 5000, 1667 and 2500 µs.
    expect(merged?.read?.serverUsPerRequest).toBe(2500);
    expect(merged?.write?.failures).toBe(4);
    expect(merged?.write?.failureDetail).toBe('4×503');
    expect(merged).toMatchObject({ lostWrites: 3, drain: 300, workerUsPerEvent: 200 });
  });

  it('keeps a drain that timed out, and skips a round that failed to run', () => {
    const [merged] = mergeRounds([
      [row(100, { drain: 'timeout' })],
      [{ id: 'gaesession', label: 'gaesession', error: 'boom' }],
    ]);
    expect(merged?.drain).toBe('timeout');
    expect(merged?.error).toBeUndefined();
  });
});
