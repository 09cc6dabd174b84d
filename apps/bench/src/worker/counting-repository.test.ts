import type { SessionEvent } from '@gaesession/events';
import { describe, expect, it } from 'vitest';
import { CountingRepository } from './counting-repository.js';
import { roundRobinWorkload } from './workload.js';

describe('CountingRepository', () => {
  it('sums calls, events and writes, and counts failures apart', async () => {
    let fail = false;
    const repository = new CountingRepository({
      apply: (events: readonly SessionEvent[]) =>
        fail
          ? Promise.reject(new Error('down'))
          : Promise.resolve({ written: new Set(events.map((e) => e.key)).size, skipped: 0 }),
    });
    const { events } = roundRobinWorkload('s', 6, 2);
    await repository.apply(events.slice(0, 4));
    await repository.apply(events.slice(4));
    fail = true;
    await expect(repository.apply(events)).rejects.toThrow('down');
    expect(repository.counts).toEqual({ applies: 2, events: 6, written: 4, failures: 1 });
  });
});
