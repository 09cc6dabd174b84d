import type { Datastore } from '@google-cloud/datastore';
import { credentials } from '@grpc/grpc-js';
import { MemjsCache } from '@gaesession/cache';
import { loadConfig, type Config } from '@gaesession/config';
import { createDatastoreClient, DatastoreRepository } from '@gaesession/persistence';
import { BullMQPublisher, CloudTasksPublisher, GroupingPublisher, type EventPublisher } from '@gaesession/queue';
import { CounterMetrics } from './metrics.js';
import { WriteBehindStore } from './write-behind-store.js';

/** A store built from the configuration, with what it is made of and one `close()`. */
export interface ConfiguredStore {
  readonly store: WriteBehindStore;
  /** Datastore access (undefined in cache-only mode), e.g. for a "durable yet?" check. */
  readonly repository: DatastoreRepository | undefined;
  readonly metrics: CounterMetrics;
  /** Closes the cache and queue connections. */
  close(): Promise<void>;
}

/**
 * The production store from the environment (see the README's configuration table): memcached,
 * the queue the configuration names (Cloud Tasks on App Engine, BullMQ locally) with group
 * enqueue, and Datastore.
 */
export function createSessionStore(config: Config = loadConfig()): ConfiguredStore {
  const cache = new MemjsCache({ servers: config.memcached.servers, keyPrefix: config.memcached.keyPrefix });
  const mode = config.session.mode;
  const repository =
    mode === 'cache-only'
      ? undefined
      : new DatastoreRepository({
          datastore: createDatastore(config),
          kind: config.datastore.kind,
          ...(config.datastore.namespace === undefined ? {} : { namespace: config.datastore.namespace }),
        });
  const publisher = mode === 'write-behind' ? new GroupingPublisher(createPublisher(config)) : undefined;
  const metrics = new CounterMetrics();
  const store = new WriteBehindStore({
    cache,
    mode,
    metrics,
    ...(repository === undefined ? {} : { repository }),
    ...(publisher === undefined ? {} : { publisher }),
  });
  return {
    store,
    repository,
    metrics,
    close: async () => {
      await publisher?.close();
      await cache.close();
    },
  };
}

/** The Datastore client: the emulator when DATASTORE_EMULATOR_HOST is set. */
export function createDatastore(config: Config): Datastore {
  return createDatastoreClient({ projectId: config.projectId, emulatorHost: config.datastore.emulatorHost });
}

/** The event publisher the configuration names. */
export function createPublisher(config: Config): EventPublisher {
  const { queue, projectId, worker } = config;
  if (queue.backend === 'bullmq') {
    // As many deliveries as Cloud Tasks makes: the worker dead-letters the last one.
    return new BullMQPublisher({ connection: queue.redis, queueName: queue.name, attempts: worker.retryLimit + 1 });
  }
  const emulator = queue.cloudTasks.emulatorHost;
  const [host, port] = emulator?.split(':') ?? [];
  return new CloudTasksPublisher({
    project: projectId,
    location: queue.cloudTasks.location,
    queue: queue.name,
    service: queue.cloudTasks.service,
    // Off App Engine the worker cannot trust X-AppEngine-* headers: tasks carry the shared secret.
    headers: worker.sharedSecret === undefined ? {} : { 'X-Worker-Secret': worker.sharedSecret },
    ...(emulator === undefined
      ? {}
      : {
          // universeDomain skips google-auth's metadata-server probe, which costs ~0.5 s off GCP.
          clientOptions: {
            apiEndpoint: host ?? '127.0.0.1',
            port: Number(port),
            sslCreds: credentials.createInsecure(),
            universeDomain: 'googleapis.com',
          },
        }),
  });
}
