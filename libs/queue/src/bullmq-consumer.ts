import { oncePer, silentLogger, withDefaults, type Logger } from '@gaesession/core';
import { DEFAULT_QUEUE_NAME, InvalidEventError } from '@gaesession/events';
import { Worker, type Job } from 'bullmq';
import { EVENT_JOB_NAME, type EventJobData } from './bullmq-publisher.js';
import { bullmqConnection, type RedisConnection } from './redis-connection.js';

/** What a consumer hands its handler for one job. */
export interface ReceivedEvents {
  /**
   * The job's payload as queued (`toTransportString` of an encoded batch), not decoded: the
   * handler decodes it once (`decodeBatch`), and keeps it as it is for a dead-letter record.
   */
  readonly payload: string;
  readonly jobId: string;
  /** This delivery's number, from 1. */
  readonly attempt: number;
  /** The delivery that is the last one: when `attempt === maxAttempts`, a failure is final. */
  readonly maxAttempts: number;
  /** Set when the job carries no event payload at all; retrying cannot fix it. */
  readonly invalid?: InvalidEventError;
}

/** Handles one job; a rejection makes BullMQ retry it with backoff. */
export type EventHandler = (received: ReceivedEvents) => Promise<void>;

export interface ConsumerOptions {
  /** Redis: ioredis options or a client; BullMQ opens its own blocking connection besides. */
  connection: RedisConnection;
  /** BullMQ queue name. @defaultValue 'session-events' */
  queueName?: string;
  /** BullMQ key prefix. @defaultValue 'bull' */
  prefix?: string;
  /** Jobs handled at the same time. @defaultValue 16 */
  concurrency?: number;
  /**
   * How long a job stays locked to this consumer without a renewal, in ms; also how often stalled
   * jobs (their consumer died) are looked for. A crashed consumer's jobs are redelivered after
   * about twice this. @defaultValue 30000
   */
  lockMs?: number;
  /**
   * Times a job may stall (its consumer died mid-job) before BullMQ fails it. Kept high: a stall
   * is a crash of ours, not a problem of the event. @defaultValue 10
   */
  maxStalledCount?: number;
  /** Connection and processing errors outside any handler are logged here. @defaultValue silent */
  logger?: Logger;
}

/** The defaults of {@link ConsumerOptions}. */
export const CONSUMER_DEFAULTS = {
  queueName: DEFAULT_QUEUE_NAME,
  prefix: 'bull',
  concurrency: 16,
  lockMs: 30_000,
  maxStalledCount: 10,
  logger: silentLogger,
} as const satisfies Partial<ConsumerOptions>;

/** A running consumer. */
export interface Consumer {
  /** Stops taking jobs and resolves once the jobs in flight have finished. */
  close(): Promise<void>;
}

/** A consumer that may still be connecting. */
export interface StartingConsumer extends Consumer {
  /** Resolves once it is connected and taking jobs (which may be never, while Redis is away). */
  readonly ready: Promise<void>;
}

/**
 * Consumes session events published by {@link BullMQPublisher}. Resolves once the consumer is
 * connected and taking jobs.
 */
export async function consumeEvents(consumerOptions: ConsumerOptions, handler: EventHandler): Promise<Consumer> {
  const consumer = startConsumer(consumerOptions, handler);
  await consumer.ready;
  return consumer;
}

/**
 * {@link consumeEvents} without waiting for the connection: the consumer takes jobs as soon as
 * Redis answers, and can be closed at any time, connected or not (a service that must not block
 * its start on Redis uses this).
 */
export function startConsumer(consumerOptions: ConsumerOptions, handler: EventHandler): StartingConsumer {
  const options = withDefaults(CONSUMER_DEFAULTS, consumerOptions);
  const worker = new Worker<Partial<EventJobData>>(
    options.queueName,
    async (job) => {
      await handler(receivedFrom(job));
    },
    {
      connection: bullmqConnection(options.connection),
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      maxStalledCount: options.maxStalledCount,
    },
  );
  // BullMQ reports a lost connection on every reconnect attempt: log it once a minute.
  const logNow = oncePer(60_000);
  worker.on('error', (error) => {
    if (logNow(error.message)) options.logger.error('bullmq consumer error', { queue: options.queueName, error });
  });
  const ready = worker.waitUntilReady().then(() => undefined);
  ready.catch(() => undefined); // close() settles it; a caller that waits sees the failure
  return { ready, close: () => worker.close() };
}

function receivedFrom(job: Job<Partial<EventJobData>>): ReceivedEvents {
  const delivery = { jobId: job.id ?? '', attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1 };
  const payload = job.data.payload;
  if (job.name !== EVENT_JOB_NAME || typeof payload !== 'string') {
    const invalid = new InvalidEventError(`job "${job.name}" carries no event payload`);
    return { ...delivery, payload: JSON.stringify(job.data), invalid };
  }
  return { ...delivery, payload };
}
