import { describe, expect, it } from 'vitest';
import { clean, faultTable, refusedText, seconds } from './report.js';
import type { ScenarioResult } from './scenario.js';

const result: ScenarioResult = {
  name: 'redis down',
  acknowledged: 900,
  acknowledgedDuringFault: 120,
  nonAcknowledged: 3,
  refused: { '503': 2, timeout: 1 },
  lost: 0,
  reverted: 0,
  unexpected: 0,
  resurrected: 0,
  sessions: 10,
  dropped: 0,
  drainMs: 1234,
  faultMs: 4000,
  failedJobs: 0,
  deadLetters: 0,
  problems: [],
  measures: {},
};

describe('report', () => {
  it('prints one table row per scenario', () => {
    const table = faultTable([
      result,
      { ...result, name: 'other', drainMs: undefined, nonAcknowledged: 0, refused: {} },
    ]);
    expect(table.split('\n')).toEqual([
      '| scenario | acknowledged (during fault) | non-2xx | lost | reverted | drain after recovery | fault lasted |',
      '|---|---:|---|---:|---:|---:|---:|',
      '| redis down | 900 (120) | 3 (503×2, timeout×1) | 0 | 0 | 1.2 s | 4.0 s |',
      '| other | 900 (120) | 0 | 0 | 0 | not drained | 4.0 s |',
    ]);
  });

  it('formats durations and refusals', () => {
    expect(seconds(undefined)).toBe('not drained');
    expect(seconds(50)).toBe('0.1 s');
    expect(refusedText({})).toBe('-');
  });

  it('calls a run clean only without any finding', () => {
    expect(clean(result)).toBe(true);
    expect(clean({ ...result, resurrected: 1 })).toBe(false);
  });
});
