import { Datastore } from '@google-cloud/datastore';
import { credentials } from '@grpc/grpc-js';
import { MemjsCache } from '@gaesession/cache';
import type { Config } from '@gaesession/config';
import { DatastoreRepository } from '@gaesession/persistence';
import { BullMQPublisher, CloudTasksPublisher, GroupingPublisher, type EventPublisher } from '@gaesession/queue';
import { SessionManager } from '@gaesession/session';
import { CounterMetrics, WriteBehindStore } from '@gaesession/store';

/** Everything the web app needs, built from the configuration, with one `close()`. */
export interface WebServices {
  sessions: SessionManager;
  repository: DatastoreRepository | undefined;
  metrics: CounterMetrics;
  close(): Promise<void>;
}

export function createPublisher(config: Config): EventPublisher {
  const { queue, projectId, worker } = config;
  if (queue.backend === 'bullmq') {
    return new BullMQPublisher({ connection: queue.redis, queueName: queue.name });
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
          // universeDomain: skips google-auth's metadata-server probe, which costs ~0.5 s off GCP.
          clientOptions: {
            apiEndpoint: host ?? '127.0.0.1',
            port: Number(port),
            sslCreds: credentials.createInsecure(),
            universeDomain: 'googleapis.com',
          },
        }),
  });
}

export function createDatastore(config: Config): Datastore {
  const emulator = config.datastore.emulatorHost;
  return new Datastore({
    projectId: config.projectId,
    ...(emulator === undefined ? {} : { apiEndpoint: `http://${emulator}` }),
  });
}

export function createWebServices(config: Config): WebServices {
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
  const sessions = new SessionManager({
    store,
    timeout: config.session.timeoutMs,
    touchAfter: config.session.touchAfter,
    cookie: { secrets: config.session.cookieSecrets, allowHttp: config.session.allowHttp },
  });
  return {
    sessions,
    repository,
    metrics,
    close: async () => {
      await publisher?.close();
      await cache.close();
    },
  };
}
