import { describe, expect, it } from 'vitest';
import { formatRowSets, judgedSets, setHeading } from './report-sets.js';
import type { WorkerBenchResults } from './report.js';
import type { RowSet } from './sets.js';

const hot = (written: number): WorkerBenchResults => ({
  drains: [],
  hot: [
    {
      changes: 1000,
      sessions: 10,
      inFlight: 200,
      elapsedMs: 100,
      counts: { applies: 5, events: 1000, written, failures: 0, totalMs: 500, maxInFlight: 4 },
    },
  ],
});

describe('formatRowSets', () => {
  it('labels the sets: the emulator alone as its ceiling, a round trip with half of it each way', () => {
    expect(setHeading(0)).toBe("Emulator's own ceiling (no added latency)");
    expect(setHeading(30)).toBe('Datastore 30 ms round trip (15 ms each way added by the latency proxy)');
  });

  it('judges the sets with latency when there are any, else the emulator alone', () => {
    const ceiling: RowSet = { rttMs: 0, results: hot(50) };
    const latency: RowSet = { rttMs: 30, results: hot(50) };
    expect(judgedSets([ceiling, latency])).toEqual([latency]);
    expect(judgedSets([ceiling])).toEqual([ceiling]);
  });

  it('prints both tables, and PASS/FAIL lines for the judged set only', () => {
    const { text, passed } = formatRowSets([
      { rttMs: 0, results: hot(500) },
      { rttMs: 30, results: hot(50) },
    ]);
    expect(passed).toBe(true);
    expect(text.indexOf("### Emulator's own ceiling")).toBeLessThan(text.indexOf('### Datastore 30 ms round trip'));
    const targets = text.slice(text.indexOf('### Targets'));
    expect(targets).toMatch(
      /^- PASS \(b\) hot sessions.*\(Datastore 30 ms round trip\): 50 writes per 1000 changes, target ≤ 100 writes$/m,
    );
    expect(targets).not.toContain('FAIL');
    // the ceiling's miss stays in its table
    expect(text).toMatch(/500 writes per 1000 changes.*FAIL/);
  });

  it('fails when a judged set misses a target', () => {
    expect(formatRowSets([{ rttMs: 30, results: hot(500) }]).passed).toBe(false);
    expect(formatRowSets([{ rttMs: 0, results: hot(500) }]).passed).toBe(false);
  });
});
