import { describe, expect, it } from 'vitest';
import type { RunStats, ServerResult } from './report.js';
import { checkTargets, formatCheck, groupEnqueueLine } from './targets.js';

const stats = (requestsPerSec: number, failures = 0): RunStats => ({
  requestsPerSec,
  p50Ms: 1,
  p99Ms: 2,
  requests: requestsPerSec,
  succeeded: requestsPerSec - failures,
  failures,
  failureDetail: failures > 0 ? `${failures}×503` : '',
});

const row = (id: ServerResult['id'], read: number, write: number, failures = 0): ServerResult => ({
  id,
  label: id,
  read: stats(read, failures),
  write: stats(write, failures),
});

describe('checkTargets', () => {
  it('passes each target the ratio reaches, exactly at the threshold too', () => {
    const results = [
      row('express', 1000, 1000),
      row('redis', 500, 400),
      row('datastore', 50, 40),
      row('gaesession', 750, 400),
    ];
    const checks = checkTargets(results);
    expect(checks.map((check) => [check.ratio, check.verdict])).toEqual([
      [0.75, 'PASS'],
      [1, 'PASS'],
      [10, 'PASS'],
    ]);
  });

  it('fails a target the ratio misses', () => {
    const results = [
      row('express', 1000, 1000),
      row('redis', 500, 401),
      row('datastore', 50, 41),
      row('gaesession', 749, 400),
    ];
    expect(checkTargets(results).map((check) => check.verdict)).toEqual(['FAIL', 'FAIL', 'FAIL']);
  });

  it('fails a target whose ratio is reached with failed requests', () => {
    const results = [row('express', 1000, 1000), row('gaesession', 2000, 2000, 5)];
    const [reads] = checkTargets(results);
    expect(reads?.verdict).toBe('FAIL');
    expect(reads?.note).toBe('5 failed requests');
  });

  it('is n/a when gaesession or the peer did not run', () => {
    expect(checkTargets([row('express', 1000, 1000)]).map((check) => check.verdict)).toEqual(['n/a', 'n/a', 'n/a']);
    const withoutPeers = checkTargets([row('gaesession', 1000, 1000)]);
    expect(withoutPeers.every((check) => check.verdict === 'n/a' && check.ratio === undefined)).toBe(true);
  });
});

describe('formatCheck', () => {
  it('prints the verdict, the goal and the measured ratio', () => {
    const [reads, , datastore] = checkTargets([
      row('express', 1000, 1000),
      row('datastore', 10, 10),
      row('gaesession', 812, 253, 0),
    ]);
    expect(formatCheck(reads!)).toBe('PASS gaesession reads ≥ 0.75× bare Express: 0.81×');
    expect(formatCheck(datastore!)).toBe('PASS gaesession writes ≥ 10× express-session + connect-datastore: 25.3×');
  });
});

describe('groupEnqueueLine', () => {
  it('compares gaesession writes with and without group enqueue', () => {
    const results = [row('gaesession', 1, 300), row('gaesession-ungrouped', 1, 200)];
    expect(groupEnqueueLine(results)).toBe(
      'info group enqueue: gaesession writes = 1.50× gaesession without GroupingPublisher',
    );
    expect(groupEnqueueLine([row('gaesession', 1, 300)])).toBeUndefined();
  });
});
