import { messageOf, withDefaults } from '@gaesession/core';
import {
  DEFAULT_QUEUE_NAME,
  DEFAULT_WORKER_SERVICE,
  MAX_TASK_BYTES,
  TASK_PATH,
  type SessionEvent,
} from '@gaesession/events';
import { CloudTasksClient, type protos } from '@google-cloud/tasks';
import { withDeadline } from './deadline.js';
import { QueueUnavailableError } from './errors.js';
import { classifyCreateTaskError } from './grpc-errors.js';
import { queuePath, taskRequests, type TaskTarget } from './cloud-tasks-request.js';
import type { EventPublisher } from './publisher.js';

/** Options of the Cloud Tasks client: `{ apiEndpoint, port, sslCreds }` reach an emulator. */
export type CloudTasksClientOptions = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>;

export interface CloudTasksPublisherOptions {
  /** Google Cloud project id. */
  project: string;
  /** Location of the queue (the App Engine region, e.g. `europe-west1`). */
  location: string;
  /** Queue name, as in queue.yaml. @defaultValue 'session-events' */
  queue?: string;
  /** App Engine service the tasks are routed to. @defaultValue 'worker' */
  service?: string;
  /** Path the tasks are POSTed to. @defaultValue '/tasks/session-events' */
  relativeUri?: string;
  /** Extra headers on every task, e.g. a shared secret. @defaultValue {} */
  headers?: Readonly<Record<string, string>>;
  /** Largest task body in bytes; larger batches are split. @defaultValue MAX_TASK_BYTES */
  maxTaskBytes?: number;
  /** A publish that has not finished after this many ms rejects. @defaultValue 1000 */
  timeoutMs?: number;
  /** A ready client, used as it is and not closed by {@link CloudTasksPublisher.close}. */
  client?: CloudTasksClient;
  /** Options for the client this publisher creates (and closes) when none is given. @defaultValue {} */
  clientOptions?: CloudTasksClientOptions;
}

/** The defaults of {@link CloudTasksPublisherOptions}. */
export const CLOUD_TASKS_PUBLISHER_DEFAULTS = {
  queue: DEFAULT_QUEUE_NAME,
  service: DEFAULT_WORKER_SERVICE,
  relativeUri: TASK_PATH,
  headers: {},
  maxTaskBytes: MAX_TASK_BYTES,
  timeoutMs: 1000,
  clientOptions: {},
} as const satisfies Partial<CloudTasksPublisherOptions>;

/**
 * Publishes events as App Engine tasks: several events per task, split to stay under the task
 * size limit, with deterministic hash-prefixed task names so a re-publish is refused by Cloud
 * Tasks as ALREADY_EXISTS, which counts as success.
 */
export class CloudTasksPublisher implements EventPublisher {
  #client: CloudTasksClient;
  readonly #ownsClient: boolean;
  readonly #clientOptions: CloudTasksClientOptions;
  readonly #target: TaskTarget;
  readonly #timeoutMs: number;
  readonly maxEventBytes: number;
  #closed = false;

  constructor(publisherOptions: CloudTasksPublisherOptions) {
    const options = withDefaults(CLOUD_TASKS_PUBLISHER_DEFAULTS, publisherOptions);
    this.#ownsClient = options.client === undefined;
    this.#clientOptions = options.clientOptions;
    this.#client = options.client ?? new CloudTasksClient(this.#clientOptions);
    // set up credentials and the channel now rather than on the first publish; a failure here
    // is reported by that publish
    if (this.#ownsClient) this.#client.initialize().catch(() => undefined);
    this.#timeoutMs = options.timeoutMs;
    this.#target = {
      queuePath: queuePath(options.project, options.location, options.queue),
      service: options.service,
      relativeUri: options.relativeUri,
      headers: options.headers,
      maxTaskBytes: options.maxTaskBytes,
    };
    this.maxEventBytes = this.#target.maxTaskBytes;
  }

  async publish(events: readonly SessionEvent[]): Promise<void> {
    if (this.#closed) throw new QueueUnavailableError('publisher is closed');
    if (events.length === 0) return;
    const requests = taskRequests(this.#target, events);
    const timeout = (): QueueUnavailableError =>
      new QueueUnavailableError(`no answer from Cloud Tasks within ${this.#timeoutMs} ms`);
    await withDeadline(Promise.all(requests.map((request) => this.#create(request))), this.#timeoutMs, timeout);
  }

  async check(): Promise<void> {
    const timeout = () => new QueueUnavailableError(`no answer from Cloud Tasks within ${this.#timeoutMs} ms`);
    const client = await withDeadline(this.#readyClient(), this.#timeoutMs, timeout);
    await withDeadline(
      client.getQueue({ name: this.#target.queuePath }, { timeout: this.#timeoutMs }),
      this.#timeoutMs,
      timeout,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsClient) await this.#client.close();
  }

  async #create(request: protos.google.cloud.tasks.v2.ICreateTaskRequest): Promise<void> {
    try {
      const client = await this.#readyClient();
      await client.createTask(request, { timeout: this.#timeoutMs });
    } catch (error) {
      const outcome = classifyCreateTaskError(error);
      if (outcome === 'exists') return;
      if (outcome === 'unavailable') {
        throw new QueueUnavailableError(`creating a task failed: ${messageOf(error)}`, error);
      }
      throw error;
    }
  }

  /**
   * The client keeps a failed setup (e.g. fetching credentials at a cold start) for good, so a
   * client of ours that failed it is replaced: this publish fails, the next one starts afresh.
   */
  async #readyClient(): Promise<CloudTasksClient> {
    const client = this.#client;
    try {
      await client.initialize();
      return client;
    } catch (error) {
      if (this.#ownsClient && this.#client === client) {
        this.#client = new CloudTasksClient(this.#clientOptions);
        client.close().catch(() => undefined);
      }
      throw error;
    }
  }
}
