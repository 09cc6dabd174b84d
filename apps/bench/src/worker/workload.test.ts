import { parseEvent } from '@gaesession/events';
import { describe, expect, it } from 'vitest';
import { benchKey, mostlyDistinctSessions, roundRobinEvents, roundRobinWorkload } from './workload.js';

describe('roundRobinWorkload', () => {
  it('makes valid events, versions counting up per session', () => {
    const { events, finalVersions } = roundRobinWorkload('seed', 7, 3, 1_700_000_000_000);
    for (const event of events) expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
    expect(events.map((event) => [event.key, event.version])).toEqual([
      [benchKey('seed', 0), 1],
      [benchKey('seed', 1), 1],
      [benchKey('seed', 2), 1],
      [benchKey('seed', 0), 2],
      [benchKey('seed', 1), 2],
      [benchKey('seed', 2), 2],
      [benchKey('seed', 0), 3],
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'created',
      'created',
      'created',
      'updated',
      'updated',
      'updated',
      'updated',
    ]);
    expect(finalVersions).toEqual(
      new Map([
        [benchKey('seed', 0), 3],
        [benchKey('seed', 1), 2],
        [benchKey('seed', 2), 2],
      ]),
    );
  });

  it('makes sessions that are live for the run', () => {
    const now = 1_700_000_000_000;
    const [event] = roundRobinWorkload('seed', 1, 1, now).events;
    expect(event?.expiresAt).toBeGreaterThan(now + 60_000);
  });

  it('has no more sessions than events', () => {
    expect(roundRobinWorkload('seed', 2, 10).finalVersions.size).toBe(2);
  });
});

describe('roundRobinEvents', () => {
  it('continues a workload where a slice stopped', () => {
    const whole = [...roundRobinEvents('s', 4, 0, 10, () => 5)];
    const parts = [...roundRobinEvents('s', 4, 0, 6, () => 5), ...roundRobinEvents('s', 4, 6, 10, () => 5)];
    expect(parts).toEqual(whole);
  });
});

describe('benchKey', () => {
  it('is a 43-character base64url key, distinct per index and seed', () => {
    expect(benchKey('a', 1)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(benchKey('a', 1)).not.toBe(benchKey('a', 2));
    expect(benchKey('a', 1)).not.toBe(benchKey('b', 1));
    expect(benchKey('a', 1)).toBe(benchKey('a', 1));
  });
});

describe('mostlyDistinctSessions', () => {
  it('is the share of the events, at least one', () => {
    expect(mostlyDistinctSessions(5000, 0.9)).toBe(4500);
    expect(mostlyDistinctSessions(5000, 1)).toBe(5000);
    expect(mostlyDistinctSessions(1, 0.1)).toBe(1);
  });
});
