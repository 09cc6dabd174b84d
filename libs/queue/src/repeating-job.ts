import { oncePer, silentLogger, withDefaults, type Logger } from '@gaesession/core';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Consumer, StartingConsumer } from './bullmq-consumer.js';
import { bullmqConnection, type RedisConnection } from './redis-connection.js';

export interface RepeatingJobOptions {
  /** Redis: ioredis options or a client. */
  connection: RedisConnection;
  /** Name of the job and of its scheduler; upserting it again updates the schedule. */
  jobName: string;
  /** Run every this many ms. */
  everyMs: number;
  /** BullMQ queue name; the queue must carry this job only. @defaultValue the job name */
  queueName?: string;
  /** BullMQ key prefix. @defaultValue 'bull' */
  prefix?: string;
  /** Failed runs kept for inspection. @defaultValue 100 */
  keepFailed?: number;
  /** Connection errors outside the handler are logged here. @defaultValue silent */
  logger?: Logger;
}

/** The defaults of {@link RepeatingJobOptions}. */
export const REPEATING_JOB_DEFAULTS = { prefix: 'bull', keepFailed: 100, logger: silentLogger } as const;

/**
 * Runs `handler` every `everyMs` on one of the processes that call this (a BullMQ job scheduler:
 * the schedule lives in Redis, so several processes share one schedule, and a run goes to one of
 * them). The local stand-in for cron.yaml. Resolves once the schedule is set and a worker is
 * taking its jobs; `close()` stops this process's worker and leaves the schedule in place.
 */
export async function scheduleRepeatingJob(
  jobOptions: RepeatingJobOptions,
  handler: () => Promise<void>,
): Promise<Consumer> {
  const job = startRepeatingJob(jobOptions, handler);
  try {
    await job.ready;
  } catch (error) {
    await job.close();
    throw error;
  }
  return job;
}

/**
 * {@link scheduleRepeatingJob} without waiting for Redis: the schedule is set and runs are taken
 * once Redis answers; `close()` works at any time.
 */
export function startRepeatingJob(jobOptions: RepeatingJobOptions, handler: () => Promise<void>): StartingConsumer {
  const options = withDefaults(REPEATING_JOB_DEFAULTS, jobOptions);
  const queueName = options.queueName ?? options.jobName;
  const prefix = options.prefix;
  const queue = new Queue(queueName, { connection: bullmqConnection(options.connection), prefix });
  const logNow = oncePer(60_000);
  const onError = (error: Error): void => {
    if (logNow(error.message)) options.logger.error('bullmq scheduler error', { queue: queueName, error });
  };
  queue.on('error', onError);
  const scheduled = queue.upsertJobScheduler(
    options.jobName,
    { every: options.everyMs },
    { name: options.jobName, opts: { removeOnComplete: true, removeOnFail: options.keepFailed } },
  );
  const worker = new Worker(
    queueName,
    async (job) => {
      if (job.name !== options.jobName) {
        throw new UnrecoverableError(`queue ${queueName} is reserved for "${options.jobName}", got "${job.name}"`);
      }
      await handler();
    },
    { connection: bullmqConnection(options.connection), prefix, concurrency: 1 },
  );
  worker.on('error', onError);
  const ready = Promise.all([scheduled, worker.waitUntilReady()]).then(() => undefined);
  ready.catch(() => undefined); // close() settles it; a caller that waits sees the failure
  return {
    ready,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
