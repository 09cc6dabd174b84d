// BullMQ helpers shared by the integration suites of this package (not built, not a test file itself).
import { services } from '@gaesession/testkit';
import { Queue } from 'bullmq';

/** An admin handle on a test's queues: counts jobs, and removes every trace of them at the end. */
export interface TestQueues {
  readonly events: Queue;
  /** Jobs not finished yet: waiting, active, delayed, prioritized. */
  pending(): Promise<number>;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export function testQueues(queueName: string): TestQueues {
  const events = new Queue(queueName, { connection: services.redis });
  const purge = new Queue(`${queueName}-purge`, { connection: services.redis });
  const counts = () => events.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
  return {
    events,
    counts,
    pending: async () => {
      const { waiting = 0, active = 0, delayed = 0, prioritized = 0 } = await counts();
      return waiting + active + delayed + prioritized;
    },
    close: async () => {
      await events.obliterate({ force: true });
      await purge.obliterate({ force: true });
      await Promise.all([events.close(), purge.close()]);
    },
  };
}
