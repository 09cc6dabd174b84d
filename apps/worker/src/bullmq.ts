import { consumeEvents, scheduleRepeatingJob, type Consumer, type RedisConnection } from '@gaesession/queue';
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
 * `close()` stops taking jobs and waits for the ones in flight.
 */
export async function startLocalQueue(options: LocalQueueOptions): Promise<Consumer> {
  const { connection, queueName, logger } = options;
  const consumer = await consumeEvents(
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
  let scheduler: Consumer;
  try {
    scheduler = await scheduleRepeatingJob(
      { connection, jobName: PURGE_JOB_NAME, queueName: `${queueName}-purge`, everyMs: options.purgeEveryMs, logger },
      async () => {
        await options.purge();
      },
    );
  } catch (error) {
    await consumer.close();
    throw error;
  }
  return {
    close: async () => {
      await Promise.all([consumer.close(), scheduler.close()]);
    },
  };
}
