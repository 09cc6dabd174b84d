import { describe, expect, it } from 'vitest';
import type { RunStats, ServerResult } from './report.js';
import { checkTargets, formatCheck, infoLines } from './targets.js';

/** A run of `rate` 2xx/s over 1 s costing `us` µs of server CPU per answer. */
const stats = (rate: number, us: number, extra: Partial<RunStats> = {}): RunStats => ({
  requestsPerSec: rate,
  p50Ms: 1,
  p99Ms: 20,
  requests: rate,
  succeeded: rate,
  failures: 0,
  failureDetail: '',
  serverUsPerRequest: us,
  ...extra,
});

const row = (id: ServerResult['id'], read: RunStats, write: RunStats, extra: Partial<ServerResult> = {}) =>
  ({ id, label: id, read, write, ...extra }) as ServerResult;

const gaesessionExtras = { lostWrites: 0, drain: 300 };

/** Every target exactly at its threshold. */
const atThresholds: ServerResult[] = [
  row('express', stats(1000, 200), stats(1000, 200)),
  row('redis', stats(500, 500), stats(500, 400)),
  row('gaesession', stats(750, 500), stats(400, 600), gaesessionExtras),
  row('gaesession-valkey', stats(750, 500), stats(500, 480), gaesessionExtras),
  row('gaesession-cloud-tasks', stats(750, 500), stats(1000, 600, { p99Ms: 22 }), {
    ...gaesessionExtras,
    tasksCreated: 100,
  }),
  row('gaesession-cloud-tasks-ungrouped', stats(750, 500), stats(1000, 600, { p99Ms: 20 }), gaesessionExtras),
];

describe('checkTargets', () => {
  it('passes every target met, exactly at its threshold too', () => {
    expect(checkTargets(atThresholds).map((check) => check.verdict)).toEqual(Array(9).fill('PASS'));
  });

  it('fails each target just missed', () => {
    const missed: ServerResult[] = [
      row('express', stats(1000, 200), stats(1000, 200)),
      row('redis', stats(500, 500), stats(500, 400)),
      row('gaesession', stats(749, 501), stats(399, 601), { lostWrites: 1, drain: 300 }),
      row('gaesession-valkey', stats(750, 500), stats(499, 481), gaesessionExtras),
      row('gaesession-cloud-tasks', stats(750, 500), stats(1000, 600, { p99Ms: 22.5 }), {
        ...gaesessionExtras,
        tasksCreated: 101,
      }),
      row('gaesession-cloud-tasks-ungrouped', stats(750, 500), stats(1000, 600, { p99Ms: 20 }), gaesessionExtras),
    ];
    expect(checkTargets(missed).map((check) => check.verdict)).toEqual(Array(9).fill('FAIL'));
  });

  it('fails the targets of a row that answered errors', () => {
    const results = atThresholds.map((result) =>
      result.id === 'gaesession-valkey' ? { ...result, write: stats(5000, 10, { failures: 5 }) } : result,
    );
    const valkey = checkTargets(results).filter((check) => check.target.row === 'gaesession-valkey');
    expect(valkey.map((check) => [check.verdict, check.note])).toEqual([
      ['FAIL', '5 failed requests'],
      ['FAIL', '5 failed requests'],
    ]);
  });

  it('is n/a when a row a target needs did not run', () => {
    const checks = checkTargets([row('express', stats(1000, 200), stats(1000, 200))]);
    expect(checks.every((check) => check.verdict === 'n/a' && check.shown === 'n/a')).toBe(true);
  });

  it('fails the 0-lost target when a gaesession row did not drain', () => {
    const results = [row('gaesession', stats(1, 1), stats(1, 1), { lostWrites: 0, drain: 'timeout' })];
    const check = checkTargets(results).find((c) => c.target.goal.includes('0 lost'));
    expect(check?.verdict).toBe('FAIL');
    expect(check?.shown).toBe('0 lost in 1 rows, 1 not drained');
  });
});

describe('formatCheck', () => {
  it('prints the verdict, the goal and the figure', () => {
    const lines = checkTargets(atThresholds).map(formatCheck);
    expect(lines[0]).toBe(
      'PASS reads: server CPU added over bare Express ≤ connect-redis’s: +300 µs vs connect-redis +300 µs',
    );
    expect(lines[1]).toBe('PASS reads ≥ 0.75× bare Express req/s (goal): 0.75×');
    expect(lines[7]).toBe('PASS Cloud Tasks: ≤ 100 tasks per 1,000 writes: 100');
    expect(lines[8]).toBe('PASS Cloud Tasks: grouped write p99 ≤ ungrouped + 2 ms: 22 vs 20 ms');
  });
});

describe('infoLines', () => {
  it('compares grouped and ungrouped writes per queue, and writes over connect-datastore', () => {
    const results = [
      ...atThresholds,
      row('gaesession-ungrouped', stats(1, 1), stats(200, 1)),
      row('datastore', stats(1, 1), stats(40, 1)),
    ];
    expect(infoLines(results)).toEqual([
      'info group enqueue (BullMQ): writes/s grouped = 2.00× ungrouped',
      'info group enqueue (Cloud Tasks): writes/s grouped = 1.00× ungrouped',
      'info writes (memcached + BullMQ) = 10.0× connect-datastore',
    ]);
    expect(infoLines([row('gaesession', stats(1, 1), stats(300, 1))])).toEqual([]);
  });
});
