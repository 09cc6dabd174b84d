import type { Datastore } from '@google-cloud/datastore';
import { readFileSync } from 'node:fs';
import { MemcachedSessionCache, ValkeyCache, type SessionCache } from '@gaesession/cache';
import { SECRET_HEADER } from '@gaesession/events';
import {
  closeDatastore,
  createDatastoreClient,
  DatastoreRepository,
  type SessionRepository,
} from '@gaesession/persistence';
import { BullMQPublisher, CloudTasksPublisher, GroupingPublisher, type EventPublisher } from '@gaesession/queue';
import { SessionManager, type SessionManagerOptions } from '@gaesession/session';
import { WriteBehindStore, type WriteBehindStoreOptions } from '@gaesession/store';
import { messageOf, MetricsLog, silentLogger, type Logger } from '@gaesession/core';
import { cloudTasksEmulatorOptions } from './cloud-tasks-client.js';
import { loadConfig, type Config } from './config.js';
import { ConfigVariableError } from './parse.js';
import type { DependencyCheck } from './readiness.js';

/** The Datastore client: the emulator when DATASTORE_EMULATOR_HOST is set. */
export function createDatastore(config: Config): Datastore {
  return createDatastoreClient({ projectId: config.projectId, emulatorHost: config.datastore.emulatorHost });
}

/**
 * The session repository on Datastore, in the configured namespace and kind, keeping the event log
 * when EVENT_LOG_RETENTION_MS is set (in the web app too: a login's first version, written there,
 * must be in the log for a rebuild to restore the session).
 */
export function createRepository(config: Config, datastore: Datastore): DatastoreRepository {
  const { namespace, kind } = config.datastore;
  const retentionMs = config.worker.eventLogRetentionMs;
  return new DatastoreRepository({
    datastore,
    kind,
    ...(namespace === undefined ? {} : { namespace }),
    ...(retentionMs === undefined ? {} : { eventLog: { retentionMs } }),
  });
}

/** The session cache CACHE_BACKEND names: Valkey at CACHE_URL, or memcached at MEMCACHED_SERVERS. */
export function createCache(config: Config): SessionCache {
  const { backend, servers, url, tlsCaFile, keyPrefix, timeoutMs, retries } = config.cache;
  const timeoutSeconds = timeoutMs / 1000;
  if (backend === 'memcached') return new MemcachedSessionCache({ servers, keyPrefix, timeoutSeconds, retries });
  const tls = tlsCaFile === undefined ? {} : { redisOptions: { tls: { ca: readCaFile(tlsCaFile) } } };
  return new ValkeyCache({ url, keyPrefix, timeoutSeconds, retries, ...tls });
}

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigVariableError('CACHE_TLS_CA_FILE', path, `a readable PEM file (${messageOf(error)})`);
  }
}

/** The event publisher the configuration names (BullMQ locally, Cloud Tasks on App Engine). */
export function createPublisher(config: Config): EventPublisher {
  const { queue, projectId, worker } = config;
  if (queue.backend === 'bullmq') {
    // As many deliveries as Cloud Tasks makes: the worker dead-letters the last one.
    return new BullMQPublisher({ connection: queue.redis, queueName: queue.name, attempts: worker.retryLimit + 1 });
  }
  return new CloudTasksPublisher({
    project: projectId,
    location: queue.cloudTasks.location,
    queue: queue.name,
    service: queue.cloudTasks.service,
    // Off App Engine the worker cannot trust X-AppEngine-* headers: tasks carry the shared secret.
    headers: worker.sharedSecret === undefined ? {} : { [SECRET_HEADER]: worker.sharedSecret },
    ...cloudTasksEmulatorOptions(queue.cloudTasks.emulatorHost),
  });
}

/** A store built from the configuration, with what it is made of and one `close()`. */
export interface ConfiguredStore {
  readonly store: WriteBehindStore;
  /** Datastore access (undefined in cache-only mode), e.g. for a "durable yet?" check. */
  readonly repository: DatastoreRepository | undefined;
  /** The store's counters: totals in memory, and a `metrics` log line every METRICS_INTERVAL_MS. */
  readonly metrics: MetricsLog;
  /** The cache, the queue and Datastore, checked for `/readyz` (see `Readiness`). */
  readonly checks: readonly DependencyCheck[];
  /** Closes the cache, queue and Datastore connections. */
  close(): Promise<void>;
}

/** Options of {@link createSessionStore}: every store option, over what the configuration says. */
export interface SessionStoreFromConfigOptions extends Omit<
  WriteBehindStoreOptions,
  'cache' | 'repository' | 'publisher' | 'metrics'
> {
  /** @defaultValue `loadConfig()`: the environment */
  config?: Config;
  /**
   * Where the store's `metrics` lines and degraded-path warnings go (see `MetricsLog`).
   * @defaultValue silent: nothing is logged
   */
  logger?: Logger;
  /**
   * Send concurrent events to the queue together (`GroupingPublisher`): fewer queue round trips
   * and, on Cloud Tasks, fewer billed tasks. @defaultValue true
   */
  groupEnqueue?: boolean;
}

/**
 * The production store from the configuration (see the README's configuration table): memcached,
 * the queue the configuration names with group enqueue, and Datastore. Every store option can be
 * given; `mode` defaults to SESSION_MODE.
 */
export function createSessionStore(options: SessionStoreFromConfigOptions = {}): ConfiguredStore {
  const { config = loadConfig(), groupEnqueue = true, logger = silentLogger, ...storeOptions } = options;
  const mode = storeOptions.mode ?? config.session.mode;
  const cache = createCache(config);
  const datastore = mode === 'cache-only' ? undefined : createDatastore(config);
  const repository = datastore === undefined ? undefined : createRepository(config, datastore);
  const publisher =
    mode !== 'write-behind'
      ? undefined
      : groupEnqueue
        ? new GroupingPublisher(createPublisher(config))
        : createPublisher(config);
  const metrics = new MetricsLog({
    logger,
    scope: 'store',
    intervalMs: config.metricsIntervalMs,
    alerting: (counter) => counter.startsWith('degraded_'),
  });
  const store = new WriteBehindStore({
    ...storeOptions,
    cache,
    mode,
    metrics,
    ...(repository === undefined ? {} : { repository }),
    ...(publisher === undefined ? {} : { publisher }),
  });
  const checks: DependencyCheck[] = [
    { name: 'cache', target: cacheTarget(config), check: () => cache.get(READINESS_KEY) },
    ...(publisher === undefined
      ? []
      : [{ name: 'queue', target: queueTarget(config), check: () => publisher.check() }]),
    ...(repository === undefined ? [] : [datastoreCheck(config, repository)]),
  ];
  return {
    store,
    repository,
    metrics,
    checks,
    close: async () => {
      metrics.close();
      await publisher?.close();
      await cache.close();
      if (datastore !== undefined) await closeDatastore(datastore);
    },
  };
}

/** The key the readiness checks read: any valid key does; nothing is written. */
const READINESS_KEY = 'readiness-probe';

/** The Datastore check: a lookup, through the credential check (`ensureCredentials`). */
export function datastoreCheck(config: Config, repository: SessionRepository): DependencyCheck {
  const target = config.datastore.emulatorHost ?? `Datastore of ${config.projectId}`;
  return { name: 'datastore', target, check: () => repository.inspect(READINESS_KEY) };
}

function cacheTarget(config: Config): string {
  const { backend, url, servers } = config.cache;
  // The URL may carry a password: show its host only.
  return backend === 'valkey' ? `valkey ${new URL(url).host}` : `memcached ${servers}`;
}

function queueTarget(config: Config): string {
  const { backend, name, redis } = config.queue;
  return backend === 'bullmq' ? `bullmq ${redis.host}:${redis.port} (${name})` : `cloud-tasks queue ${name}`;
}

/** Sessions from the configuration: a store, and a session manager on it for the middleware. */
export interface ConfiguredSessions extends ConfiguredStore {
  /** Hand it to `sessionMiddleware(sessions)`. */
  readonly sessions: SessionManager;
}

/** Options of {@link createSessions}: the store's, and the session manager's beyond the configuration. */
export interface SessionsFromConfigOptions extends SessionStoreFromConfigOptions {
  /** Session manager options over the configured timeout, touch and cookie settings. */
  manager?: Omit<SessionManagerOptions, 'store'>;
}

/**
 * Everything an app needs for sessions, from the configuration: the store of
 * {@link createSessionStore} and a `SessionManager` with SESSION_TIMEOUT_MS, SESSION_TOUCH_AFTER,
 * COOKIE_SECRETS and COOKIE_ALLOW_HTTP applied.
 */
export function createSessions(options: SessionsFromConfigOptions = {}): ConfiguredSessions {
  const { manager = {}, ...storeOptions } = options;
  const config = storeOptions.config ?? loadConfig();
  const configured = createSessionStore({ ...storeOptions, config });
  const sessions = new SessionManager({
    timeout: config.session.timeoutMs,
    touchAfter: config.session.touchAfter,
    ...manager,
    cookie: { secrets: config.session.cookieSecrets, allowHttp: config.session.allowHttp, ...manager.cookie },
    store: configured.store,
  });
  return { ...configured, sessions };
}
