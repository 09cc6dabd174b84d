import type { Env, ParseContext, Service } from './parse.js';
import { VARIABLES, type ValueOf, type VariableName } from './variables.js';

export type CacheBackend = ValueOf<'CACHE_BACKEND'>;
export type QueueBackend = ValueOf<'QUEUE_BACKEND'>;
export type SessionMode = ValueOf<'SESSION_MODE'>;

/** The services' configuration, read from the environment by {@link loadConfig}. */
export interface Config {
  /** Which app this configuration is for. */
  readonly service: Service;
  /** True on App Engine (GAE_ENV is set by the runtime). */
  readonly onAppEngine: boolean;
  /** The HTTP port to listen on. */
  readonly port: number;
  /** The deployed version (App Engine sets it). */
  readonly version: string | undefined;
  readonly logLevel: ValueOf<'LOG_LEVEL'>;
  /** How often the counters are logged, ms (0: never). */
  readonly metricsIntervalMs: number;
  readonly projectId: string;
  readonly datastore: {
    readonly namespace: string | undefined;
    readonly kind: string;
    readonly emulatorHost: string | undefined;
  };
  readonly cache: {
    readonly backend: CacheBackend;
    /** memcached: `host:port`, comma-separated. */
    readonly servers: string;
    /** valkey: the server's URL. */
    readonly url: string;
    /** valkey over TLS: the CA's PEM file. */
    readonly tlsCaFile: string | undefined;
    readonly keyPrefix: string;
    readonly timeoutMs: number;
    readonly retries: number;
  };
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

export interface LoadConfigOptions {
  /** Which app reads it (the PORT default differs). @defaultValue 'web' */
  service?: Service;
}

/**
 * Reads the configuration from the environment, every variable through its entry in
 * {@link VARIABLES}. A blank value counts as unset. Throws `ConfigVariableError` naming the first
 * bad variable, its value and what was expected.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const context: ParseContext = { service: options.service ?? 'web', onAppEngine: nonBlank(env.GAE_ENV) !== undefined };
  const read = <N extends VariableName>(name: N): ValueOf<N> =>
    VARIABLES[name].parse(nonBlank(env[name]), context) as ValueOf<N>;
  return {
    service: context.service,
    onAppEngine: context.onAppEngine,
    port: read('PORT'),
    version: read('GAE_VERSION'),
    logLevel: read('LOG_LEVEL'),
    metricsIntervalMs: read('METRICS_INTERVAL_MS'),
    projectId: read('GOOGLE_CLOUD_PROJECT'),
    datastore: {
      namespace: read('DATASTORE_NAMESPACE'),
      kind: read('SESSION_KIND'),
      emulatorHost: read('DATASTORE_EMULATOR_HOST'),
    },
    cache: {
      backend: read('CACHE_BACKEND'),
      servers: read('MEMCACHED_SERVERS'),
      url: read('CACHE_URL'),
      tlsCaFile: read('CACHE_TLS_CA_FILE'),
      keyPrefix: read('CACHE_KEY_PREFIX'),
      timeoutMs: read('CACHE_TIMEOUT_MS'),
      retries: read('CACHE_RETRIES'),
    },
    queue: {
      backend: read('QUEUE_BACKEND'),
      name: read('QUEUE_NAME'),
      redis: { host: read('REDIS_HOST'), port: read('REDIS_PORT') },
      cloudTasks: {
        location: read('CLOUD_TASKS_LOCATION'),
        service: read('WORKER_SERVICE'),
        emulatorHost: read('CLOUD_TASKS_EMULATOR_HOST'),
      },
    },
    session: {
      mode: read('SESSION_MODE'),
      timeoutMs: read('SESSION_TIMEOUT_MS'),
      touchAfter: read('SESSION_TOUCH_AFTER'),
      cookieSecrets: read('COOKIE_SECRETS'),
      allowHttp: read('COOKIE_ALLOW_HTTP'),
    },
    worker: {
      sharedSecret: read('WORKER_SHARED_SECRET'),
      retryLimit: read('TASK_RETRY_LIMIT'),
      concurrency: read('WORKER_CONCURRENCY'),
      lockMs: read('WORKER_LOCK_MS'),
      batchMaxEvents: read('BATCH_MAX_EVENTS'),
      batchMaxWaitMs: read('BATCH_MAX_WAIT_MS'),
      purgeIntervalMs: read('PURGE_INTERVAL_MS'),
      purgeBudgetMs: read('PURGE_BUDGET_MS'),
      eventLogRetentionMs: read('EVENT_LOG_RETENTION_MS'),
    },
  };
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
