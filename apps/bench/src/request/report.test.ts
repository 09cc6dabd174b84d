import { describe, expect, it } from 'vitest';
import {
  formatCpuTable,
  formatRatio,
  formatTable,
  formatWriteTable,
  problems,
  ratio,
  serverUsPerRequest,
  tasksPer1000,
  type RunStats,
  type ServerResult,
} from './report.js';

/** 10 s runs; the server at `percent` of one core: 10 s × percent / 100 CPU s over the 2xx answers. */
const stats = (requestsPerSec: number, percent: number, extra: Partial<RunStats> = {}): RunStats => ({
  requestsPerSec,
  p50Ms: 4,
  p99Ms: 12.4,
  requests: requestsPerSec * 10,
  succeeded: requestsPerSec * 10,
  failures: 0,
  failureDetail: '',
  cpu: { seconds: 10, server: percent, loadGenerator: 30.2, rest: 25.6 },
  ...extra,
});

// 10,000 reads/s at 100 %: 100 µs per read; 8,000 writes/s at 100 %: 125 µs.
const bare: ServerResult = { id: 'express', label: 'bare Express', read: stats(10_000, 100), write: stats(8000, 100) };
// 200 µs per read, 250 µs per write.
const redis: ServerResult = { id: 'redis', label: 'redis', read: stats(5000, 100), write: stats(4000, 100) };
// 250 µs per read, 500 µs per write.
const ours: ServerResult = {
  id: 'gaesession',
  label: 'gaesession',
  read: stats(4000, 100),
  write: stats(2000, 100, { p50Ms: 21.26, p99Ms: 130 }),
  drain: 1530,
  lostWrites: 0,
  workerUsPerEvent: 412.4,
};

const cellsOf = (line: string | undefined) =>
  (line ?? '')
    .split('|')
    .map((cell) => cell.trim())
    .slice(1, -1);

describe('ratio', () => {
  it('divides, and is undefined when a side is missing or the divisor is 0', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(3, 0)).toBeUndefined();
  });

  it('prints two decimals below 10 and one from 10 up', () => {
    expect(formatRatio(0.754)).toBe('0.75×');
    expect(formatRatio(12.345)).toBe('12.3×');
    expect(formatRatio(undefined)).toBe('n/a');
  });
});

describe('serverUsPerRequest', () => {
  it('divides the server CPU time by the 2xx answers, or takes the given median', () => {
    expect(serverUsPerRequest(stats(1000, 50))).toBe(500);
    expect(serverUsPerRequest(stats(1000, 50, { succeeded: 5000 }))).toBe(1000);
    expect(serverUsPerRequest(stats(1000, 50, { serverUsPerRequest: 42 }))).toBe(42);
    expect(serverUsPerRequest(stats(1000, 50, { succeeded: 0 }))).toBeUndefined();
  });
});

describe('formatTable', () => {
  it('prints req/s and CPU µs per request with ratios to bare Express and connect-redis, aligned', () => {
    const lines = formatTable([bare, redis, ours]).split('\n');
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| :-+ \| -+: \|/);
    expect(cellsOf(lines[4])).toEqual([
      'gaesession',
      '4000',
      '250',
      '2.50×',
      '1.25×',
      '2000',
      '500',
      '4.00×',
      '2.00×',
      '4.0 / 12',
      '21 / 130',
    ]);
  });

  it('shows ratios as n/a without the peers', () => {
    expect(formatTable([ours])).toMatch(/\| +n\/a \| +n\/a \|/);
  });
});

describe('formatWriteTable', () => {
  it('shows failures, lost writes, the drain, the worker µs per write and tasks per 1,000 writes', () => {
    const cloudTasks: ServerResult = { ...ours, id: 'gaesession-cloud-tasks', tasksCreated: 1500, lostWrites: 5000 };
    const lines = formatWriteTable([redis, cloudTasks, { id: 'datastore', label: 'ds', error: 'boom' }]).split('\n');
    expect(cellsOf(lines[3])).toEqual(['gaesession', '0 / 0', '5000 of 20000 (25%)', '1.5 s', '412', '75 (1500)']);
    expect(cellsOf(lines[2])).toEqual(['redis', '0 / 0', '—', '—', '—', '—']);
    expect(cellsOf(lines[4])).toEqual(['ds', 'did not run', '—', '—', '—', '—']);
  });

  it('reports a queue that did not drain', () => {
    expect(formatWriteTable([{ ...ours, drain: 'timeout' }])).toContain('timed out');
  });
});

describe('tasksPer1000', () => {
  it('is tasks per 1,000 acknowledged writes, undefined without tasks', () => {
    expect(tasksPer1000({ ...ours, tasksCreated: 100 })).toBe(5);
    expect(tasksPer1000(ours)).toBeUndefined();
  });
});

describe('formatCpuTable', () => {
  it('lists the idle share before, and server, worker (+ emulator), autocannon and the rest per run', () => {
    const cpu = { seconds: 10, server: 50, worker: 0, emulator: 9.6, loadGenerator: 30.2, rest: 25.6 };
    const lines = formatCpuTable([{ ...ours, write: stats(2000, 50, { cpu }), background: 3.4 }]).split('\n');
    expect(cellsOf(lines[2])).toEqual(['gaesession', '3', '100 / — / 30 / 26', '50 / 0 + 10 / 30 / 26']);
  });
});

describe('problems', () => {
  it('names every failed run, every server that did not run and an undrained queue', () => {
    const lines = problems([
      bare,
      { ...ours, write: stats(100, 10, { failures: 3, failureDetail: '3×503' }), drain: 'timeout' },
      { id: 'redis', label: 'redis', error: 'boom' },
    ]);
    expect(lines).toEqual([
      'gaesession: 3 failed write requests (3×503)',
      'gaesession: the worker did not drain the queue in time',
      'redis: did not run: boom',
    ]);
  });

  it('is empty for clean runs', () => {
    expect(problems([bare, ours])).toEqual([]);
  });
});
