import { DEFAULT_QUEUE_NAME, MAX_TASK_BYTES, toTransportString, type SessionEvent } from '@gaesession/events';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { withDeadline } from './deadline.js';
import { messageOf, withDefaults } from '@gaesession/core';
import { QueueUnavailableError } from './errors.js';
import { batchJobIdOf, jobIdOf } from './job-id.js';
import { packEvents, type EncodedBatch } from './pack-events.js';
import type { EventPublisher } from './publisher.js';
import { closeClient, producerClient, whenConnected, type RedisConnection } from './redis-connection.js';

/** One job as `Queue.addBulk` takes it. */
type Job = Parameters<Queue<EventJobData>['addBulk']>[0][number];

/** The BullMQ job name of session events. */
export const EVENT_JOB_NAME = 'session-event';

/**
 * The data of a {@link EVENT_JOB_NAME} job: an encoded batch of events (see `toTransportString`),
 * one event or several (the events of one publish, up to `maxEventBytes` a job).
 */
export interface EventJobData {
  readonly payload: string;
}

export interface BullMQPublisherOptions {
  /** Redis: ioredis options (a fail-fast connection is opened and owned) or your own client. */
  connection: RedisConnection;
  /** BullMQ queue name. @defaultValue 'session-events' */
  queueName?: string;
  /** BullMQ key prefix. @defaultValue 'bull' */
  prefix?: string;
  /** Delivery attempts per event before the job is left failed. @defaultValue 10 */
  attempts?: number;
  /** First retry delay in ms; it doubles with each attempt. @defaultValue 1000 */
  backoffMs?: number;
  /** A publish that has not finished after this many ms rejects. @defaultValue 1000 */
  timeoutMs?: number;
  /**
   * Largest encoded event in bytes; larger ones are refused with `EventTooLargeError`. Also the
   * largest payload of a job carrying several events. The default is Cloud Tasks' limit, so local
   * runs refuse what production would. @defaultValue MAX_TASK_BYTES
   */
  maxEventBytes?: number;
}

/** The defaults of {@link BullMQPublisherOptions}. */
export const BULLMQ_PUBLISHER_DEFAULTS = {
  queueName: DEFAULT_QUEUE_NAME,
  prefix: 'bull',
  attempts: 10,
  backoffMs: 1000,
  timeoutMs: 1000,
  maxEventBytes: MAX_TASK_BYTES,
} as const satisfies Omit<Required<BullMQPublisherOptions>, 'connection'>;

/**
 * Publishes the events of one publish as one BullMQ job (more when they exceed `maxEventBytes`),
 * encoded once. A job of one event has the event's id for its id, one of several the hash of
 * their ids (`batchJobIdOf`), so re-publishing events still queued (or kept failed) is a no-op.
 * The consumer decodes either as a batch (`decodeBatch`). Completed jobs are removed, failed ones
 * kept for inspection. Fails fast with {@link QueueUnavailableError} when Redis is unreachable.
 */
export class BullMQPublisher implements EventPublisher {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #queueName: string;
  readonly #prefix: string;
  readonly #jobOptions: JobsOptions;
  readonly #timeoutMs: number;
  readonly maxEventBytes: number;
  #queue: Queue<EventJobData>;
  #lastError: Error | undefined;
  #closed = false;

  constructor(publisherOptions: BullMQPublisherOptions) {
    const options = withDefaults(BULLMQ_PUBLISHER_DEFAULTS, publisherOptions);
    const { client, owned } = producerClient(options.connection);
    this.#client = client;
    this.#ownsClient = owned;
    this.#queueName = options.queueName;
    this.#prefix = options.prefix;
    this.#timeoutMs = options.timeoutMs;
    this.maxEventBytes = options.maxEventBytes;
    this.#jobOptions = {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: true,
      removeOnFail: false,
    };
    this.#queue = this.#openQueue();
  }

  async publish(events: readonly SessionEvent[]): Promise<void> {
    if (this.#closed) throw new QueueUnavailableError('publisher is closed');
    if (events.length === 0) return;
    // encode everything first: an oversized event refuses the whole publish before any I/O
    // Gzip only what would not fit otherwise: Redis is near, and a batch of a few small events
    // would cross the codec's 4 KiB default and be compressed in the request for nothing.
    const jobs = packEvents(events, this.maxEventBytes, this.maxEventBytes).map((batch) => this.#job(batch));
    const timeout = (): QueueUnavailableError =>
      new QueueUnavailableError(`no answer from redis within ${this.#timeoutMs} ms`, this.#lastError);
    try {
      await withDeadline(this.#enqueue(jobs), this.#timeoutMs, timeout);
    } catch (error) {
      throw error instanceof QueueUnavailableError ? error : new QueueUnavailableError(messageOf(error), error);
    }
  }

  async check(): Promise<void> {
    await whenConnected(this.#client, this.#timeoutMs);
    await withDeadline(
      this.#client.ping(),
      this.#timeoutMs,
      () => new QueueUnavailableError('redis did not answer PING'),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.close();
    if (this.#ownsClient) await closeClient(this.#client);
  }

  #job(batch: EncodedBatch): Job {
    const [first] = batch.events;
    const jobId =
      batch.events.length === 1 && first !== undefined
        ? jobIdOf(first.id)
        : batchJobIdOf(batch.events.map((event) => event.id));
    return {
      name: EVENT_JOB_NAME,
      data: { payload: toTransportString(batch.body) },
      opts: { ...this.#jobOptions, jobId },
    };
  }

  async #enqueue(jobs: readonly Job[]): Promise<void> {
    await whenConnected(this.#client, this.#timeoutMs);
    const queue = await this.#readyQueue();
    const [only] = jobs;
    // One job (the usual case) is one script call; addBulk wraps several in a transaction.
    if (jobs.length === 1 && only !== undefined) await queue.add(only.name, only.data, only.opts);
    else await queue.addBulk([...jobs]);
  }

  /**
   * BullMQ sets a queue's connection up once; if that failed (the connection dropped during the
   * setup), the queue stays broken. Start over with a fresh queue on the same client.
   */
  async #readyQueue(): Promise<Queue<EventJobData>> {
    const queue = this.#queue;
    try {
      await queue.waitUntilReady();
      return queue;
    } catch {
      if (this.#queue === queue) {
        this.#queue = this.#openQueue();
        void queue.close().catch(() => undefined);
      }
      await this.#queue.waitUntilReady();
      return this.#queue;
    }
  }

  #openQueue(): Queue<EventJobData> {
    const queue = new Queue<EventJobData>(this.#queueName, { connection: this.#client, prefix: this.#prefix });
    // connection errors surface through publish(); keep the latest as the cause of a timeout
    queue.on('error', (error) => {
      this.#lastError = error;
    });
    return queue;
  }
}
