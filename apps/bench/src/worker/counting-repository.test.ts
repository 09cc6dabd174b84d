import type { SessionEvent } from '@gaesession/events';
import { describe, expect, it } from 'vitest';
import { CountingRepository } from './counting-repository.js';
import { roundRobinWorkload } from './workload.js';

describe('CountingRepository', () => {
  it('sums calls, events, writes and time, and counts failures apart', async () => {
    let fail = false;
    let clock = 0;
    const repository = new CountingRepository(
      {
        apply: async (events: readonly SessionEvent[]) => {
          clock += 10;
          await Promise.resolve();
          if (fail) throw new Error('down');
          return { written: new Set(events.map((e) => e.key)).size, skipped: 0 };
        },
      },
      () => clock,
    );
    const { events } = roundRobinWorkload('s', 6, 2);
    // both start before either ends: 20 ms + 10 ms; the failed third call 10 ms
    await Promise.all([repository.apply(events.slice(0, 4)), repository.apply(events.slice(4))]);
    fail = true;
    await expect(repository.apply(events)).rejects.toThrow('down');
    expect(repository.counts).toEqual({ applies: 2, events: 6, written: 4, failures: 1, totalMs: 40, maxInFlight: 2 });
  });
});
