import { describe, expect, it } from 'vitest';
import type { DrainResult } from './drain.js';
import { formatReport } from './report.js';

const counts = (events: number, applies: number) => ({
  applies,
  events,
  written: events,
  failures: 0,
  totalMs: applies * 100,
  maxInFlight: 4,
});
const drain = (mode: DrainResult['mode'], elapsedMs: number, applies: number): DrainResult => ({
  mode,
  events: 5000,
  sessions: 4500,
  elapsedMs,
  counts: counts(5000, applies),
  failedAttempts: 0,
  cpuMicros: 5000 * 100,
});

describe('formatReport', () => {
  it('passes when every figure meets its target', () => {
    const { text, passed } = formatReport({
      drains: [
        {
          concurrency: 200,
          group: drain('group-commit', 2_000, 50),
          seed: drain('one-commit-per-event', 20_000, 5000),
        },
      ],
      hot: [
        { changes: 1000, sessions: 10, inFlight: 200, elapsedMs: 100, counts: { ...counts(1000, 5), written: 50 } },
      ],
    });
    expect(passed).toBe(true);
    expect(text).toContain('2,500 events/s (100.0 events per commit)');
    expect(text).toContain('250 events/s');
    expect(text).toMatch(/10\.0× \| ≥ 8×\s+\| PASS/);
    expect(text).toMatch(/50 writes per 1000 changes \(5 commits\)/);
    expect(text).toContain('50 commits of 100.0 events, 100 ms each, up to 4 in flight');
    expect(text).toContain('worker CPU 100 / 100 µs per event');
  });

  it('checks worker CPU per event at full batches against 150 µs', () => {
    const at = (cpuMicros: number) =>
      formatReport({
        drains: [],
        hot: [],
        cpu: { concurrency: 1000, drain: { ...drain('group-commit', 2_000, 25), cpuMicros } },
      });
    const fast = at(5000 * 120);
    expect(fast.passed).toBe(true);
    expect(fast.text).toMatch(/120 µs per event \(200\.0 events per commit\) \|.*\| ≤ 150 µs\s+\| PASS/);
    expect(fast.checks).toEqual([
      expect.objectContaining({ figure: '120 µs per event', target: '≤ 150 µs', verdict: 'PASS' }),
    ]);
    const slow = at(5000 * 151);
    expect(slow.passed).toBe(false);
    expect(slow.text).toContain('process CPU 755 ms (38 % of a core)');
    const span = (cpuMicros: number) => ({ events: 5000, elapsedMs: 1000, cpuMicros, applies: 25 });
    const split = formatReport({
      drains: [],
      hot: [],
      cpu: {
        concurrency: 1000,
        drain: { ...drain('group-commit', 2_000, 25), cpuMicros: 5000 * 600 },
        split: { withDatastore: span(5000 * 250), committerOnly: span(5000 * 40) },
      },
    });
    expect(split.text).toContain(
      '250 µs per event into the Datastore repository (25 commits), 40 µs per event into a repository that does nothing',
    );
  });

  it('fails on any missed target and names it', () => {
    const { text, passed } = formatReport({
      drains: [
        {
          concurrency: 32,
          group: drain('group-commit', 5_000, 200),
          seed: drain('one-commit-per-event', 20_000, 5000),
        },
      ],
      hot: [],
      memory: {
        options: {
          events: 1000,
          warmupEvents: 100,
          sessions: 10,
          inFlight: 2,
          eventsPerDelivery: 1,
          checkpoints: 1,
          settleMs: 0,
        },
        before: { heapUsed: 100, rss: 1000, external: 0 },
        checkpoints: [{ events: 1000, heapUsed: 105, rss: 1200, external: 0 }],
        elapsedMs: 1000,
        counts: counts(1100, 10),
      },
    });
    expect(passed).toBe(false);
    expect(text).toMatch(/4\.0× \| ≥ 8×\s+\| FAIL/);
    // RSS grew 20 %: the memory row fails even though the heap grew 5 %
    expect(text).toMatch(/\(\+5\.0 %\).*\(\+20\.0 %\).*FAIL/);
  });
});
