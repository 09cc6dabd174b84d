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
      const started = Date.now();
      await eventually(() => (runs >= 3 ? runs : undefined), { timeoutMs: 5000, what: 'three runs' });
      // at most one run per interval (plus one for timing slack), however many workers listen
      expect(runs).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 2);
    } finally {
      await first.close();
      await second.close();
      await admin.obliterate({ force: true });
      await admin.close();
    }
  });
});
