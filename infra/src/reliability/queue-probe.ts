// How many event jobs the BullMQ queue still holds, read the way the web app's publisher writes it.
import { Queue } from 'bullmq';

/** Jobs of one queue by state. */
export interface QueueCounts {
  /** Waiting, active, delayed (retries in backoff) and prioritized: still to be delivered. */
  readonly pending: number;
  /** Jobs a worker holds right now. */
  readonly active: number;
  /** Retries exhausted: BullMQ keeps the job as failed (the worker dead-lettered its events). */
  readonly failed: number;
  /** Enqueue time of the oldest job still waiting, ms since the epoch; undefined when none waits. */
  readonly oldestWaitingAt: number | undefined;
}

/** A read-only view of one BullMQ queue. */
export class QueueProbe {
  readonly #queue: Queue;

  constructor(connection: { readonly host: string; readonly port: number }, queueName: string) {
    // maxRetriesPerRequest 1: a probe of a Redis that is down fails fast instead of hanging.
    this.#queue = new Queue(queueName, { connection: { ...connection, maxRetriesPerRequest: 1 } });
    this.#queue.on('error', () => undefined);
  }

  async counts(): Promise<QueueCounts> {
    const counts = await this.#queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
    const [oldest] = await this.#queue.getWaiting(0, 0);
    return { pending, active: counts.active ?? 0, failed: counts.failed ?? 0, oldestWaitingAt: oldest?.timestamp };
  }

  /** Jobs still to be delivered. */
  async depth(): Promise<number> {
    return (await this.counts()).pending;
  }

  close(): Promise<void> {
    return this.#queue.close();
  }
}
