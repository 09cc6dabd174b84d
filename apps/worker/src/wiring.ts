import type { Datastore } from '@google-cloud/datastore';
import {
  createDatastore,
  createLogger,
  createRepository,
  datastoreCheck,
  Readiness,
  type Config,
  type DependencyCheck,
} from '@gaesession/config';
import { PRODUCER_REDIS_OPTIONS } from '@gaesession/queue';
import { Redis } from 'ioredis';
import { MetricsLog, type Logger } from '@gaesession/core';
import {
  closeDatastore,
  DEFAULT_EVENT_LOG_KIND,
  DeadLetterStore,
  type PurgeOptions,
  type SessionRepository,
} from '@gaesession/persistence';
import { GroupCommitter } from './group-commit.js';
import { WorkerMetrics } from './metrics.js';
import { processPayload, type Delivery, type DeliveryOutcome } from './process-payload.js';
import { purgeRunner, type PurgeRunner } from './purge.js';

/**
 * The purge spares entities expired less than this long ago, in ms: an event written just before
 * its session expired may still be on its way, and must not lose its entity to a purge that
 * queried before the write.
 */
export const PURGE_GRACE_MS = 60_000;

/** Everything the worker runs on, built from the configuration, with one `close()`. */
export interface WorkerServices {
  readonly config: Config;
  readonly datastore: Datastore;
  readonly repository: SessionRepository;
  readonly deadLetters: DeadLetterStore;
  readonly committer: GroupCommitter;
  readonly metrics: WorkerMetrics;
  readonly logger: Logger;
  /** One delivery, through the group committer (see `processPayload`). */
  process(delivery: Delivery): Promise<DeliveryOutcome>;
  purge: PurgeRunner;
  /** Datastore, and Redis with the BullMQ queue, for /healthz, /readyz and the startup check. */
  readonly readiness: Readiness;
  /** Flushes the committer (refusing new work), then closes the Datastore client. */
  close(): Promise<void>;
}

export interface WorkerServicesOptions {
  /** @defaultValue `createLogger()`: JSON lines on stdout (readable on a terminal) */
  logger?: Logger;
  /** A Datastore client; it is then not closed by `close()`. @defaultValue one built from the config */
  datastore?: Datastore;
  /** Replaces the Datastore repository events are applied to. @defaultValue a DatastoreRepository */
  repository?: SessionRepository;
  /** Export Node.js process metrics too. @defaultValue true */
  processMetrics?: boolean;
}

export function createDeadLetterStore(config: Config, datastore: Datastore): DeadLetterStore {
  return new DeadLetterStore({ datastore, ...namespaceOf(config) });
}

/** What the purge deletes: expired sessions and tombstones, and expired event-log entries. */
export function purgeOptions(config: Config, datastore: Datastore): Omit<PurgeOptions, 'cursor'> {
  return {
    datastore,
    ...namespaceOf(config),
    kind: config.datastore.kind,
    // Always, not only while the log is on: entries logged before it was turned off expire too.
    eventLogKind: DEFAULT_EVENT_LOG_KIND,
    budgetMs: config.worker.purgeBudgetMs,
    graceMs: PURGE_GRACE_MS,
  };
}

export function createWorkerServices(config: Config, options: WorkerServicesOptions = {}): WorkerServices {
  const logger = options.logger ?? createLogger({ service: 'worker' });
  const datastore = options.datastore ?? createDatastore(config);
  const repository = options.repository ?? createRepository(config, datastore);
  const deadLetters = createDeadLetterStore(config, datastore);
  const log = new MetricsLog({
    logger,
    scope: 'worker',
    intervalMs: config.metricsIntervalMs,
    alerting: (counter) => ['commit_failures', 'dead_letters', 'purge_errors'].includes(counter),
  });
  const metrics = new WorkerMetrics({ processMetrics: options.processMetrics ?? true, log });
  const committer = new GroupCommitter({
    repository,
    maxEvents: config.worker.batchMaxEvents,
    maxWaitMs: config.worker.batchMaxWaitMs,
    observer: metrics,
  });
  const payloadDeps = { committer, deadLetters, logger, observer: metrics, projectId: config.projectId };
  const redis = config.queue.backend === 'bullmq' ? redisCheck(config) : undefined;
  const readiness = new Readiness([datastoreCheck(config, repository), ...(redis === undefined ? [] : [redis.check])]);
  return {
    config,
    datastore,
    repository,
    deadLetters,
    committer,
    metrics,
    logger,
    process: (delivery) => processPayload(delivery, payloadDeps),
    purge: purgeRunner(purgeOptions(config, datastore), {
      logger,
      onPurge: (result) => {
        metrics.onPurge(result);
      },
    }),
    readiness,
    close: async () => {
      log.close();
      redis?.client.disconnect();
      await committer.close();
      if (options.datastore === undefined) await closeDatastore(datastore);
    },
  };
}

/** A PING of the queue's Redis on a connection of its own, opened on the first check. */
function redisCheck(config: Config): { check: DependencyCheck; client: Redis } {
  const { host, port } = config.queue.redis;
  const client = new Redis({ ...PRODUCER_REDIS_OPTIONS, host, port, lazyConnect: true });
  client.on('error', () => undefined); // the check reports it
  const check = async (): Promise<void> => {
    if (client.status === 'wait') await client.connect();
    await client.ping();
  };
  return { client, check: { name: 'queue', target: `bullmq ${host}:${port} (${config.queue.name})`, check } };
}

function namespaceOf(config: Config): { namespace?: string } {
  const namespace = config.datastore.namespace;
  return namespace === undefined ? {} : { namespace };
}
