import { describe, expect, it } from 'vitest';
import {
  formatCpuTable,
  formatRatio,
  formatTable,
  problems,
  ratio,
  type RunStats,
  type ServerResult,
} from './report.js';

const stats = (requestsPerSec: number, extra: Partial<RunStats> = {}): RunStats => ({
  requestsPerSec,
  p50Ms: 4,
  p99Ms: 12.4,
  requests: requestsPerSec * 10,
  succeeded: requestsPerSec * 10,
  failures: 0,
  failureDetail: '',
  ...extra,
});

const bare: ServerResult = { id: 'express', label: 'bare Express', read: stats(10_000), write: stats(8000) };
const ours: ServerResult = {
  id: 'gaesession',
  label: 'gaesession',
  read: stats(8000),
  write: stats(2000, { p50Ms: 21.26, p99Ms: 130 }),
  drain: 1530,
};

describe('ratio', () => {
  it('divides, and is undefined when a side is missing or the divisor is 0', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(undefined, 4)).toBeUndefined();
    expect(ratio(3, undefined)).toBeUndefined();
    expect(ratio(3, 0)).toBeUndefined();
  });

  it('prints two decimals below 10 and one from 10 up', () => {
    expect(formatRatio(0.754)).toBe('0.75×');
    expect(formatRatio(12.345)).toBe('12.3×');
    expect(formatRatio(undefined)).toBe('n/a');
  });
});

describe('formatTable', () => {
  it('prints one aligned Markdown row per server with its ratios to bare Express', () => {
    const lines = formatTable([bare, ours]).split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| :-+ \| -+: \|/);
    const cells = (lines[3] ?? '').split('|').map((cell) => cell.trim());
    expect(cells.slice(1, -1)).toEqual([
      'gaesession',
      '8000',
      '4.0 / 12',
      '2000',
      '21 / 130',
      '0.80×',
      '0.25×',
      '0 / 0',
      '—',
      '1.5 s',
    ]);
  });

  it('shows ratios as n/a without a bare Express row, and a server that did not run as such', () => {
    const failed: ServerResult = { id: 'redis', label: 'redis', error: 'exited (1)' };
    const table = formatTable([ours, failed]);
    expect(table).toMatch(/\| +n\/a \| +n\/a \|/);
    expect(table).toMatch(/\| redis +\| +— \|.*did not run/);
  });

  it('shows lost writes as a count and a share of the acknowledged ones', () => {
    const row = formatTable([{ ...ours, lostWrites: 5000 }]).split('\n')[2] ?? '';
    expect(row).toMatch(/\| +5000 \(25%\) \|/);
  });

  it('reports a queue that did not drain', () => {
    expect(formatTable([{ ...ours, drain: 'timeout' }])).toContain('timed out');
  });
});

describe('formatCpuTable', () => {
  it('lists CPU µs per request, and server, worker, autocannon and the rest per run', () => {
    // 10 s at 50 % of a core = 5 CPU s, over 20000 requests = 250 µs each; the worker's 4 s = 200 µs.
    const cpu = { seconds: 10, server: 50, worker: 40, loadGenerator: 30.2, rest: 25.6 };
    const cells = formatCpuTable([{ ...ours, write: stats(2000, { cpu }), background: 3.4 }])
      .split('\n')[2]
      ?.split('|')
      .map((cell) => cell.trim());
    expect(cells?.slice(1, -1)).toEqual(['gaesession', '3', '—', '250 + 200', '—', '50 / 40 / 30 / 26']);
  });
});

describe('problems', () => {
  it('names every failed run, every server that did not run and an undrained queue', () => {
    const lines = problems([
      bare,
      { ...ours, write: stats(100, { failures: 3, failureDetail: '3×503' }), drain: 'timeout' },
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
