import { MemjsCache } from '@gaesession/cache';
import type { Config } from '@gaesession/config';
import { DatastoreRepository } from '@gaesession/persistence';
import { SessionManager } from '@gaesession/session';
import {
  CounterMetrics,
  createDatastore,
  createPublisher,
  createSessionStore,
  WriteBehindStore,
  type ConfiguredStore,
} from '@gaesession/store';

/** The session manager and what it is built on, with one `close()`. */
export interface BenchSessions {
  readonly sessions: SessionManager;
  readonly repository: DatastoreRepository;
  readonly close: () => Promise<void>;
}

/**
 * The write-behind stack (memcached + queue + Datastore) as the web app builds it
 * (`createSessionStore`, then a SessionManager with the configured cookie and timeouts), with or
 * without group enqueue. Without, the store is built from the same parts with the bare publisher,
 * so the two variants differ in the GroupingPublisher only.
 */
export function benchSessions(config: Config, grouping: boolean): BenchSessions {
  if (config.session.mode !== 'write-behind') throw new Error('the bench measures SESSION_MODE=write-behind');
  const configured = grouping ? createSessionStore(config) : ungroupedStore(config);
  const { repository } = configured;
  if (repository === undefined) throw new Error('write-behind mode always has a repository');
  const sessions = new SessionManager({
    store: configured.store,
    timeout: config.session.timeoutMs,
    touchAfter: config.session.touchAfter,
    cookie: { secrets: config.session.cookieSecrets, allowHttp: config.session.allowHttp },
  });
  return { sessions, repository, close: () => configured.close() };
}

/** `createSessionStore` minus the GroupingPublisher: one queue call per write. */
function ungroupedStore(config: Config): ConfiguredStore {
  const cache = new MemjsCache({ servers: config.memcached.servers, keyPrefix: config.memcached.keyPrefix });
  const repository = new DatastoreRepository({
    datastore: createDatastore(config),
    kind: config.datastore.kind,
    ...(config.datastore.namespace === undefined ? {} : { namespace: config.datastore.namespace }),
  });
  const publisher = createPublisher(config);
  const metrics = new CounterMetrics();
  const store = new WriteBehindStore({ cache, mode: 'write-behind', metrics, repository, publisher });
  return {
    store,
    repository,
    metrics,
    close: async () => {
      await publisher.close();
      await cache.close();
    },
  };
}
