import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines.js';

describe('Deadlines', () => {
  it('expires what is not done in time, in order, and nothing that is done', async () => {
    const deadlines = new Deadlines(20, 5);
    const expired: string[] = [];
    deadlines.watch(() => expired.push('a'));
    const doneB = deadlines.watch(() => expired.push('b'));
    deadlines.watch(() => expired.push('c'));
    doneB();
    await sleep(60);
    expect(expired).toEqual(['a', 'c']);
  });

  it('fires no earlier than the deadline', async () => {
    const deadlines = new Deadlines(40, 5);
    const started = performance.now();
    const fired = new Promise<number>((resolve) => {
      deadlines.watch(() => {
        resolve(performance.now());
      });
    });
    expect((await fired) - started).toBeGreaterThanOrEqual(39);
  });
});
