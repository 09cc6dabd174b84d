import { ConfigurationError } from '@gaesession/session';
import type { VariableName } from './variables.js';

export type QueueBackend = 'bullmq' | 'cloud-tasks';
export type SessionMode = 'write-behind' | 'sync' | 'cache-only';

export interface Config {
  /** True on App Engine (GAE_ENV is set by the runtime). */
  readonly onAppEngine: boolean;
  readonly projectId: string;
  readonly datastore: {
    readonly namespace: string | undefined;
    readonly kind: string;
    readonly emulatorHost: string | undefined;
  };
  readonly memcached: { readonly servers: string; readonly keyPrefix: string };
  readonly queue: {
    readonly backend: QueueBackend;
    readonly name: string;
    readonly redis: { readonly host: string; readonly port: number };
    readonly cloudTasks: {
      readonly location: string;
      readonly service: string;
      readonly emulatorHost: string | undefined;
    };
  };
  readonly session: {
    readonly mode: SessionMode;
    readonly timeoutMs: number;
    readonly touchAfter: number;
    readonly cookieSecrets: readonly string[];
    readonly allowHttp: boolean;
  };
  readonly worker: {
    readonly url: string;
    readonly sharedSecret: string | undefined;
    readonly retryLimit: number;
    readonly concurrency: number;
    readonly lockMs: number;
    readonly batchMaxEvents: number;
    readonly batchMaxWaitMs: number;
    readonly purgeIntervalMs: number;
    readonly purgeBudgetMs: number;
    readonly eventLogRetentionMs: number | undefined;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the configuration from the environment (see VARIABLES); throws ConfigurationError naming the bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = (name: VariableName): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const text = (name: VariableName, fallback: string) => read(name) ?? fallback;
  const number = (name: VariableName, fallback: number, min = 0): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new ConfigurationError(`${name}=${raw}: expected a number ≥ ${min}`);
    return value;
  };
  const oneOf = <T extends string>(name: VariableName, allowed: readonly T[], fallback: T): T => {
    const raw = read(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigurationError(`${name}=${raw}: expected one of ${allowed.join(', ')}`);
    }
    return raw as T;
  };
  const flag = (name: VariableName): boolean =>
    oneOf(name, ['true', 'false', '1', '0'], 'false') === 'true' || read(name) === '1';

  const onAppEngine = env.GAE_ENV !== undefined;
  const touchAfter = number('SESSION_TOUCH_AFTER', 0.25);
  if (touchAfter > 1)
    throw new ConfigurationError(`SESSION_TOUCH_AFTER=${touchAfter}: expected a fraction between 0 and 1`);
  const eventLog = read('EVENT_LOG_RETENTION_MS');
  return {
    onAppEngine,
    projectId: text('GOOGLE_CLOUD_PROJECT', 'gaesession-local'),
    datastore: {
      namespace: read('DATASTORE_NAMESPACE'),
      kind: text('SESSION_KIND', 'Session'),
      emulatorHost: read('DATASTORE_EMULATOR_HOST'),
    },
    memcached: { servers: text('MEMCACHED_SERVERS', '127.0.0.1:11211'), keyPrefix: text('CACHE_KEY_PREFIX', 'gs:') },
    queue: {
      backend: oneOf('QUEUE_BACKEND', ['bullmq', 'cloud-tasks'], onAppEngine ? 'cloud-tasks' : 'bullmq'),
      name: text('QUEUE_NAME', 'session-events'),
      redis: { host: text('REDIS_HOST', '127.0.0.1'), port: number('REDIS_PORT', 6379, 1) },
      cloudTasks: {
        location: text('CLOUD_TASKS_LOCATION', 'us-central1'),
        service: text('WORKER_SERVICE', 'worker'),
        emulatorHost: read('CLOUD_TASKS_EMULATOR_HOST'),
      },
    },
    session: {
      mode: oneOf('SESSION_MODE', ['write-behind', 'sync', 'cache-only'], 'write-behind'),
      timeoutMs: number('SESSION_TIMEOUT_MS', 30 * 60 * 1000, 1000),
      touchAfter,
      cookieSecrets: (read('COOKIE_SECRETS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      allowHttp: flag('COOKIE_ALLOW_HTTP'),
    },
    worker: {
      url: text('WORKER_URL', 'http://127.0.0.1:8090'),
      sharedSecret: read('WORKER_SHARED_SECRET'),
      retryLimit: number('TASK_RETRY_LIMIT', 20, 1),
      concurrency: number('WORKER_CONCURRENCY', 200, 1),
      lockMs: number('WORKER_LOCK_MS', 30_000, 1000),
      batchMaxEvents: number('BATCH_MAX_EVENTS', 200, 1),
      batchMaxWaitMs: number('BATCH_MAX_WAIT_MS', 5),
      purgeIntervalMs: number('PURGE_INTERVAL_MS', 30 * 60 * 1000, 1000),
      purgeBudgetMs: number('PURGE_BUDGET_MS', 8 * 60 * 1000, 1000),
      eventLogRetentionMs: eventLog === undefined ? undefined : number('EVENT_LOG_RETENTION_MS', 0, 1),
    },
  };
}
