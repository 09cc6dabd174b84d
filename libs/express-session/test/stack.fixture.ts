// The services a GaeSessionStore runs on, for this package's integration suites: a configuration
// pointing at the shared memcached or Valkey, Redis (BullMQ) and the Datastore emulator under
// names of the test's own, the real worker consuming the queue, and cleanup.
import { CACHE_BACKENDS, createDatastore, createRepository, loadConfig, type Config } from '@gaesession/config';
import { silentLogger } from '@gaesession/core';
import type { DatastoreRepository } from '@gaesession/persistence';
import { closeDatastore } from '@gaesession/persistence';
import { deleteKeysUnder, services, testDatastore, uniqueName, type TestDatastore } from '@gaesession/testkit';
import { startWorker, type RunningWorker } from '@gaesession/worker';
import { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';

/** The caches the store runs on. */
export const CACHES = CACHE_BACKENDS;
export type CacheName = (typeof CACHES)[number];

export interface Stack {
  readonly config: Config;
  readonly db: TestDatastore;
  /** Reads what Datastore holds (the worker's writes). */
  readonly repository: DatastoreRepository;
  readonly worker: RunningWorker;
  /** Waits until the queue holds no job waiting, active or delayed: every event is in Datastore. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** The environment `loadConfig` reads, pointed at this test's own names. */
function environment(label: string, cache: CacheName, namespace: string): Record<string, string> {
  const name = uniqueName(label);
  return {
    GOOGLE_CLOUD_PROJECT: services.datastore.projectId,
    DATASTORE_EMULATOR_HOST: services.datastore.emulatorHost,
    DATASTORE_NAMESPACE: namespace,
    CACHE_BACKEND: cache,
    CACHE_URL: services.valkey,
    MEMCACHED_SERVERS: services.memcached,
    CACHE_KEY_PREFIX: `${name}:`,
    QUEUE_BACKEND: 'bullmq',
    QUEUE_NAME: name,
    REDIS_HOST: services.redis.host,
    REDIS_PORT: String(services.redis.port),
    PORT: '0',
  };
}

export async function startStack(label: string, cache: CacheName): Promise<Stack> {
  const db = testDatastore(label);
  const env = environment(label, cache, db.namespace);
  const config = loadConfig(env);
  const datastore = createDatastore(config);
  const repository = createRepository(config, datastore);
  const worker = await startWorker(loadConfig(env, { service: 'worker' }), {
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    processMetrics: false,
  });
  const queueName = config.queue.name;
  return {
    config,
    db,
    repository,
    worker,
    async drain() {
      const queue = new Queue(queueName, { connection: services.redis });
      try {
        for (;;) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          if (Object.values(counts).every((n) => n === 0)) return;
          await sleep(20);
        }
      } finally {
        await queue.close();
      }
    },
    async close() {
      await worker.close();
      for (const name of [queueName, `${queueName}-purge`]) {
        const queue = new Queue(name, { connection: services.redis });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      if (cache === 'valkey') await deleteKeysUnder(services.valkey, config.cache.keyPrefix);
      await closeDatastore(datastore);
      await db.close();
    },
  };
}
