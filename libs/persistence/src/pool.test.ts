import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TaskPool } from './pool.js';

describe('TaskPool', () => {
  it('never runs more than its limit at once and sums the counts', async () => {
    const pool = new TaskPool(3);
    let active = 0;
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      await pool.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(5);
        active--;
        return 2;
      });
    }
    await pool.drain();
    expect(peak).toBe(3);
    expect(pool.done).toBe(20);
  });

  it('rethrows the first failure from the next run, and from drain after the running tasks finish', async () => {
    const pool = new TaskPool(2);
    let finished = 0;
    await pool.run(async () => {
      await sleep(20);
      finished++;
      return 1;
    });
    await pool.run(() => Promise.reject(new Error('first')));
    await sleep(1);
    await expect(pool.run(() => Promise.resolve(1))).rejects.toThrow('first');
    await expect(pool.drain()).rejects.toThrow('first');
    expect(finished).toBe(1);
  });
});
