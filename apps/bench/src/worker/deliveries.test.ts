import type { SessionEvent } from '@gaesession/events';
import { describe, expect, it } from 'vitest';
import { deliverConcurrently } from './deliveries.js';
import { roundRobinEvents } from './workload.js';

describe('deliverConcurrently', () => {
  it('delivers every event once, in batches, never more than inFlight at a time', async () => {
    const delivered: (readonly SessionEvent[])[] = [];
    let running = 0;
    let peak = 0;
    await deliverConcurrently(
      roundRobinEvents('s', 5, 0, 23),
      { inFlight: 3, eventsPerDelivery: 4 },
      async (events) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        delivered.push(events);
        running--;
      },
    );
    expect(peak).toBe(3);
    expect(delivered.map((batch) => batch.length).sort((a, b) => a - b)).toEqual([3, 4, 4, 4, 4, 4]);
    const ids = delivered.flat().map((event) => event.id);
    expect(new Set(ids).size).toBe(23);
  });

  it('stops at the first failed delivery', async () => {
    const failing = deliverConcurrently(roundRobinEvents('s', 1, 0, 3), { inFlight: 1 }, () =>
      Promise.reject(new Error('no')),
    );
    await expect(failing).rejects.toThrow('no');
  });
});
