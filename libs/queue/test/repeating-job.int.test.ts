import { eventually, services, uniqueName } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { scheduleRepeatingJob } from '../src/repeating-job.js';

describe('scheduleRepeatingJob', () => {
  it('runs the handler every interval, from one shared schedule', async () => {
    const jobName = uniqueName('purge');
    const admin = new Queue(jobName, { connection: services.redis });
    let runs = 0;
    const options = { connection: services.redis, jobName, everyMs: 100 };
    // Runs can start as soon as the first schedule is set: count time from before it.
    const started = Date.now();
    const first = await scheduleRepeatingJob(options, () => {
      runs += 1;
      return Promise.resolve();
    });
    // a second process upserting the same job shares the schedule instead of adding one
    const second = await scheduleRepeatingJob(options, () => {
      runs += 1;
      return Promise.resolve();
    });
    try {
      expect(await admin.getJobSchedulersCount()).toBe(1);
      await eventually(() => (runs >= 3 ? runs : undefined), { timeoutMs: 10_000, what: 'three runs' });
      // Each run has its own slot, 100 ms after the one before, the first at most 100 ms before
      // started (slots may be aligned to the interval): at most this many have come, however many
      // workers listen. Two schedules would run about twice as often.
      expect(runs).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 1);
    } finally {
      await first.close();
      await second.close();
      await admin.obliterate({ force: true });
      await admin.close();
    }
  });
});
