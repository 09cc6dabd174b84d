// Read-only views of the event queue for operators (the admin CLI): how deep it is, how old its
// oldest event is, and, where the queue can tell, which events of one session are still in it.
import { DEFAULT_QUEUE_NAME } from '@gaesession/events';
import { messageOf, withDefaults } from '@gaesession/core';
import { CloudTasksClient, type protos } from '@google-cloud/tasks';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { pendingEventsOf } from './batch-jobs.js';
import { queuePath } from './cloud-tasks-request.js';
import type { CloudTasksClientOptions } from './cloud-tasks-publisher.js';
import { QueueUnavailableError } from './errors.js';
import { withDeadline } from './deadline.js';
import {
  bullmqConnection,
  closeClient,
  producerClient,
  whenConnected,
  type RedisConnection,
} from './redis-connection.js';

/**
 * How many events wait in the queue. A count is null where the queue cannot tell it (Cloud Tasks
 * has no "active" or "failed" tasks: a task being pushed is still listed, one past its retry limit
 * is deleted).
 */
export interface QueueDepth {
  readonly backend: 'bullmq' | 'cloud-tasks';
  readonly queue: string;
  /** BullMQ: `running` or `paused`; Cloud Tasks: the queue's state, `RUNNING`, `PAUSED` or `DISABLED`. */
  readonly state: string;
  /** Ready to be delivered now (BullMQ: waiting and prioritized jobs; Cloud Tasks: tasks due). */
  readonly waiting: number;
  /** Being processed (BullMQ only). */
  readonly active: number | null;
  /** Scheduled for later: retries waiting out their backoff. */
  readonly delayed: number;
  /** Out of attempts and kept in the queue (BullMQ only; the worker normally dead-letters the last attempt). */
  readonly failed: number | null;
  /** Every event not yet done: waiting + active + delayed (+ failed). */
  readonly total: number;
  /** When the oldest event still in the queue was enqueued, ms since the epoch; undefined when empty. */
  readonly oldestEnqueuedAt: number | undefined;
  /** False when the count stopped early (Cloud Tasks: listing stopped at `maxTasks`). */
  readonly complete: boolean;
}

/** One event of a session still in the queue. */
export interface PendingEvent {
  /** The event id, `<key>.<version>`. */
  readonly id: string;
  readonly version: number;
  /** BullMQ's state: `waiting`, `active`, `delayed`, `prioritized`, `failed`... */
  readonly state: string;
  /** Deliveries tried so far. */
  readonly attempts: number;
  /** ms since the epoch. */
  readonly enqueuedAt: number;
  /** Why the last attempt failed, when one did. */
  readonly lastError: string | undefined;
}

/** What the admin CLI asks of a queue. */
export interface QueueInspector {
  readonly backend: 'bullmq' | 'cloud-tasks';
  /** `maxTasks`: Cloud Tasks lists at most this many tasks to count them (default: the inspector's). */
  depth(options?: { readonly maxTasks?: number }): Promise<QueueDepth>;
  /**
   * The events of session `key` still in the queue, oldest version first; undefined when this
   * queue cannot tell (Cloud Tasks: a task holds several sessions' events under a hashed name).
   */
  pendingEvents(key: string): Promise<readonly PendingEvent[] | undefined>;
  close(): Promise<void>;
}

export interface BullMQInspectorOptions {
  /** Redis: ioredis options (a fail-fast connection is opened and owned) or your own client. */
  connection: RedisConnection;
  /** @defaultValue 'session-events' */
  queueName?: string;
  /** BullMQ key prefix. @defaultValue 'bull' */
  prefix?: string;
  /** How long to wait for Redis to connect before a call fails. @defaultValue 2000 */
  connectTimeoutMs?: number;
}

/** Job states {@link QueueDepth} counts as waiting (a paused queue's jobs wait too, in BullMQ 6). */
const WAITING_STATES = ['waiting', 'prioritized', 'waiting-children'] as const;

/** The BullMQ queue, read through its own API and a SCAN for one session's jobs. */
export class BullMQInspector implements QueueInspector {
  readonly backend = 'bullmq' as const;
  readonly #client: Redis;
  readonly #owned: boolean;
  readonly #queue: Queue;
  readonly #name: string;
  readonly #prefix: string;
  readonly #connectTimeoutMs: number;

  constructor(inspectorOptions: BullMQInspectorOptions) {
    const options = withDefaults(
      { queueName: DEFAULT_QUEUE_NAME, prefix: 'bull', connectTimeoutMs: 2000 },
      inspectorOptions,
    );
    this.#connectTimeoutMs = options.connectTimeoutMs;
    const { client, owned } = producerClient(options.connection);
    this.#client = client;
    this.#owned = owned;
    this.#name = options.queueName;
    this.#prefix = options.prefix;
    this.#queue = new Queue(this.#name, { connection: bullmqConnection(client), prefix: this.#prefix });
    this.#queue.on('error', () => undefined); // each call reports its own failure
  }

  async depth(): Promise<QueueDepth> {
    const queue = await this.#ready();
    const counts = await queue.getJobCounts(...WAITING_STATES, 'active', 'delayed', 'failed');
    const count = (state: string) => counts[state] ?? 0;
    const waiting = WAITING_STATES.reduce((sum, state) => sum + count(state), 0);
    const [active, delayed, failed] = [count('active'), count('delayed'), count('failed')];
    // The oldest job of each state: lists hold the oldest at their end (asc), delayed jobs are
    // ordered by when they are due, which for retries follows their age closely enough.
    const oldest = await Promise.all(
      (['wait', 'prioritized', 'active', 'delayed', 'failed'] as const).map((state) =>
        queue.getJobs([state], 0, 0, true),
      ),
    );
    const times = oldest.flat().map((job) => job.timestamp);
    return {
      backend: 'bullmq',
      queue: this.#name,
      state: (await queue.isPaused()) ? 'paused' : 'running',
      waiting,
      active,
      delayed,
      failed,
      total: waiting + active + delayed + failed,
      oldestEnqueuedAt: times.length === 0 ? undefined : Math.min(...times),
      complete: true,
    };
  }

  async pendingEvents(key: string): Promise<readonly PendingEvent[]> {
    const queue = await this.#ready();
    return pendingEventsOf(this.#client, queue, `${this.#prefix}:${this.#name}:`, key);
  }

  async close(): Promise<void> {
    await this.#queue.close();
    if (this.#owned) await closeClient(this.#client);
  }

  /** The queue, once Redis answers; fails after `connectTimeoutMs` instead of waiting for it. */
  async #ready(): Promise<Queue> {
    const timeoutMs = this.#connectTimeoutMs;
    try {
      await whenConnected(this.#client, timeoutMs);
      await withDeadline(
        this.#queue.waitUntilReady(),
        timeoutMs,
        () => new QueueUnavailableError(`BullMQ queue not ready after ${timeoutMs} ms`),
      );
      return this.#queue;
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(`redis: ${messageOf(error)}`, error);
    }
  }
}

export interface CloudTasksInspectorOptions {
  project: string;
  location: string;
  /** @defaultValue 'session-events' */
  queue?: string;
  /** Stop listing after this many tasks (ListTasks is paged, 1000 a page). @defaultValue 10000 */
  maxTasks?: number;
  /** A ready client, used as it is and not closed. */
  client?: CloudTasksClient;
  /** Options for the client this inspector creates (and closes) when none is given. @defaultValue {} */
  clientOptions?: CloudTasksClientOptions;
  /** Clock in ms since the epoch (which tasks are due). @defaultValue Date.now */
  now?: () => number;
}

type Timestamp = protos.google.protobuf.ITimestamp | null | undefined;

function millis(timestamp: Timestamp): number | undefined {
  if (timestamp?.seconds === undefined || timestamp.seconds === null) return undefined;
  return Number(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
}

/**
 * The Cloud Tasks queue, through the API's GetQueue (its state) and ListTasks (the tasks, BASIC
 * view: no bodies). A task holds several events, so the counts are tasks, not events.
 */
export class CloudTasksInspector implements QueueInspector {
  readonly backend = 'cloud-tasks' as const;
  readonly #client: CloudTasksClient;
  readonly #owned: boolean;
  readonly #path: string;
  readonly #name: string;
  readonly #maxTasks: number;
  readonly #now: () => number;

  constructor(inspectorOptions: CloudTasksInspectorOptions) {
    const options = withDefaults(
      { queue: DEFAULT_QUEUE_NAME, maxTasks: 10_000, clientOptions: {}, now: Date.now },
      inspectorOptions,
    );
    this.#owned = options.client === undefined;
    this.#client = options.client ?? new CloudTasksClient(options.clientOptions);
    this.#name = options.queue;
    this.#path = queuePath(options.project, options.location, options.queue);
    this.#maxTasks = Math.max(1, options.maxTasks);
    this.#now = options.now;
  }

  async depth(options: { readonly maxTasks?: number } = {}): Promise<QueueDepth> {
    const maxTasks = Math.max(1, options.maxTasks ?? this.#maxTasks);
    const [queue] = await this.#client.getQueue({ name: this.#path });
    const now = this.#now();
    let [waiting, delayed, listed] = [0, 0, 0];
    let oldest: number | undefined;
    let pageToken: string | undefined;
    do {
      const pageSize = Math.min(1000, maxTasks - listed);
      const [tasks, next] = await this.#client.listTasks(
        { parent: this.#path, pageSize, responseView: 'BASIC', ...(pageToken === undefined ? {} : { pageToken }) },
        { autoPaginate: false },
      );
      for (const task of tasks) {
        listed++;
        const due = millis(task.scheduleTime) ?? now;
        if (due > now) delayed++;
        else waiting++;
        const created = millis(task.createTime);
        if (created !== undefined && (oldest === undefined || created < oldest)) oldest = created;
      }
      pageToken = next?.pageToken ?? undefined;
      if (pageToken === '') pageToken = undefined;
    } while (pageToken !== undefined && listed < maxTasks);
    return {
      backend: 'cloud-tasks',
      queue: this.#name,
      state: typeof queue.state === 'string' ? queue.state : String(queue.state ?? 'STATE_UNSPECIFIED'),
      waiting,
      active: null,
      delayed,
      failed: null,
      total: waiting + delayed,
      oldestEnqueuedAt: oldest,
      complete: pageToken === undefined,
    };
  }

  pendingEvents(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#client.close();
  }
}
