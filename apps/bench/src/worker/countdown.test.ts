import { describe, expect, it } from 'vitest';
import { Countdown, StalledError } from './countdown.js';

describe('Countdown', () => {
  it('resolves once the target is reached', async () => {
    const countdown = new Countdown(3, 5000);
    countdown.tick();
    countdown.tick(2);
    await expect(countdown.done).resolves.toBeUndefined();
    expect(countdown.count).toBe(3);
  });

  it('resolves at once for a target of 0', async () => {
    await expect(new Countdown(0, 5000).done).resolves.toBeUndefined();
  });

  it('rejects when nothing completes for the stall time', async () => {
    const countdown = new Countdown(2, 40);
    countdown.tick();
    await expect(countdown.done).rejects.toThrow(StalledError);
    await expect(countdown.done).rejects.toThrow(/at 1 of 2/);
  });

  it('keeps going while completions come', async () => {
    const countdown = new Countdown(5, 60);
    for (let step = 0; step < 5; step++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      countdown.tick();
    }
    await expect(countdown.done).resolves.toBeUndefined();
  });
});
