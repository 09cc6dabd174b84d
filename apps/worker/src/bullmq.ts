import { startConsumer, startRepeatingJob, type RedisConnection, type StartingConsumer } from '@gaesession/queue';
import type { Logger } from '@gaesession/core';
import type { Delivery, DeliveryOutcome } from './process-payload.js';

/** The BullMQ job (and job scheduler) name of the local purge. */
export const PURGE_JOB_NAME = 'purge-expired';

export interface LocalQueueOptions {
  /** Redis, as ioredis options. */
  connection: RedisConnection;
  /** The event queue (QUEUE_NAME); the purge gets a queue of its own, `<name>-purge`. */
  queueName: string;
  /** Jobs handled at once (WORKER_CONCURRENCY). */
  concurrency: number;
  /** Job lock, ms (WORKER_LOCK_MS): a crashed worker's jobs come back after about twice this. */
  lockMs: number;
  /** Purge every this many ms (PURGE_INTERVAL_MS). */
  purgeEveryMs: number;
  /** Handles one delivery (see `processPayload`). */
  process: (delivery: Delivery) => Promise<DeliveryOutcome>;
  /** Runs one purge. */
  purge: () => Promise<unknown>;
  logger: Logger;
}

/**
 * The local stand-in for Cloud Tasks and cron.yaml: consumes event jobs through the same
 * `processPayload` path as task pushes (a rejected job is retried by BullMQ with its backoff;
 * its last attempt is dead-lettered and completes), and runs the purge on a BullMQ job scheduler.
 * It does not wait for Redis: `ready` resolves once both take jobs; `close()` stops taking jobs and
 * waits for the ones in flight, connected or not.
 */
export function startLocalQueue(options: LocalQueueOptions): StartingConsumer {
  const { connection, queueName, logger } = options;
  const consumer = startConsumer(
    { connection, queueName, concurrency: options.concurrency, lockMs: options.lockMs, logger },
    async (received) => {
      const source = `bullmq:${queueName}/${received.jobId}`;
      try {
        await options.process({
          payload: received.payload,
          invalid: received.invalid,
          attempt: received.attempt,
          lastAttempt: received.attempt >= received.maxAttempts,
          source,
        });
      } catch (error) {
        logger.warn('job failed: BullMQ will retry it', { source, attempt: received.attempt, error });
        throw error;
      }
    },
  );
  const scheduler = startRepeatingJob(
    { connection, jobName: PURGE_JOB_NAME, queueName: `${queueName}-purge`, everyMs: options.purgeEveryMs, logger },
    async () => {
      await options.purge();
    },
  );
  const ready = Promise.all([consumer.ready, scheduler.ready]).then(() => undefined);
  ready.catch(() => undefined);
  return {
    ready,
    close: async () => {
      await Promise.all([consumer.close(), scheduler.close()]);
    },
  };
}
