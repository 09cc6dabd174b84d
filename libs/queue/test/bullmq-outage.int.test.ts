import { eventually, startPrivateRedis, uniqueName } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { BullMQPublisher } from '../src/bullmq-publisher.js';
import { jobIdOf } from '../src/job-id.js';
import { sampleEvent } from '../src/queue.fixture.js';

describe('BullMQPublisher when its Redis goes away and comes back', () => {
  it('fails fast while Redis is down and publishes again once it is back', async () => {
    // A redis-server of this test's own, without persistence: a restart starts empty.
    const redis = await startPrivateRedis();
    const connection = { host: '127.0.0.1', port: redis.port };
    const queueName = uniqueName('outage');
    const sender = new BullMQPublisher({ connection, queueName });
    const admin = new Queue(queueName, { connection });
    try {
      const before = sampleEvent();
      await sender.publish([before]);
      expect(await admin.getJobState(jobIdOf(before.id))).toBe('waiting');

      await redis.stop();
      for (let round = 0; round < 3; round += 1) {
        const started = Date.now();
        await expect(sender.publish([sampleEvent()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
        expect(Date.now() - started).toBeLessThan(2000);
      }

      await redis.start();
      const after = sampleEvent();
      await eventually(
        () =>
          sender.publish([after]).then(
            () => true,
            () => undefined,
          ),
        {
          what: 'publishing to the restarted redis',
        },
      );
      expect(await admin.getJobState(jobIdOf(after.id))).toBe('waiting');
    } finally {
      await sender.close();
      await admin.close();
      await redis.stop();
    }
  });
});
