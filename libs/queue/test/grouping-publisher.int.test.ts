import { decodeEvents } from '@gaesession/events';
import { services, uniqueName } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullMQPublisher } from '../src/bullmq-publisher.js';
import { GroupingPublisher } from '../src/grouping-publisher.js';
import { sampleEvent } from '../src/queue.fixture.js';

describe('GroupingPublisher over BullMQPublisher', () => {
  it('turns 200 concurrent publishes into a few jobs, and every event arrives', async () => {
    const queueName = uniqueName('grouping');
    // What is tested is the grouping: Redis may take as long as a busy machine needs.
    const bullmq = new BullMQPublisher({ connection: services.redis, queueName, timeoutMs: 30_000 });
    const batches: number[] = [];
    const grouping = new GroupingPublisher(
      {
        maxEventBytes: bullmq.maxEventBytes,
        check: () => bullmq.check(),
        // each publish of BullMQPublisher is one job (up to maxEventBytes): one script call to Redis
        publish: (events) => {
          batches.push(events.length);
          return bullmq.publish(events);
        },
        close: () => bullmq.close(),
      },
      { maxBatch: 100 },
    );
    const admin = new Queue(queueName, { connection: services.redis });
    try {
      const events = Array.from({ length: 200 }, () => sampleEvent());
      await Promise.all(events.map((event) => grouping.publish([event])));

      expect(batches.reduce((sum, size) => sum + size, 0)).toBe(200);
      expect(batches.length).toBeLessThanOrEqual(5);
      expect(Math.max(...batches)).toBeLessThanOrEqual(100);
      const jobs = await admin.getJobs(['waiting'], 0, -1);
      expect(jobs.length).toBe(batches.length);
      const carried = jobs.flatMap((job) => decodeEvents((job.data as { payload: string }).payload));
      expect(carried.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    } finally {
      await grouping.close();
      await admin.obliterate({ force: true });
      await admin.close();
    }
  });
});
