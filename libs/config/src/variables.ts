import { DEFAULT_QUEUE_NAME, DEFAULT_WORKER_SERVICE, SECRET_HEADER } from '@gaesession/events';
import { flag, fraction, integer, list, oneOf, optionalInteger, optionalText, text, type Variable } from './parse.js';

/**
 * Every environment variable the services read: name, meaning, default and parser, defined once.
 * `loadConfig` reads them through this table, and the README's configuration table is generated
 * from it (`npm run docs:config`; a test fails when the README differs).
 */
/** The session caches `CACHE_BACKEND` chooses from (the first is the default). */
export const CACHE_BACKENDS = ['memcached', 'valkey'] as const;
/** The event queues `QUEUE_BACKEND` chooses from (the first is the default). */
export const QUEUE_BACKENDS = ['bullmq', 'cloud-tasks'] as const;

export const VARIABLES = {
  PORT: integer(
    { name: 'PORT', description: 'HTTP port; App Engine sets it (0 picks a free one).' },
    { web: 8080, worker: 8090 },
    0,
  ),
  GAE_ENV: optionalText({
    name: 'GAE_ENV',
    description: 'Set by App Engine: the worker then trusts only the headers App Engine sets.',
  }),
  GAE_VERSION: optionalText({
    name: 'GAE_VERSION',
    description: 'Set by App Engine: the deployed version, named in log lines for Error Reporting.',
  }),
  LOG_LEVEL: oneOf(
    { name: 'LOG_LEVEL', description: 'The least severe log lines written: `debug`, `info`, `warn` or `error`.' },
    ['debug', 'info', 'warn', 'error'],
    'info',
  ),
  METRICS_INTERVAL_MS: integer(
    {
      name: 'METRICS_INTERVAL_MS',
      description: 'How often each instance logs a `metrics` line of its counters (0: never); docs/OPERATIONS.md.',
    },
    60_000,
  ),
  GOOGLE_CLOUD_PROJECT: text(
    { name: 'GOOGLE_CLOUD_PROJECT', description: 'Project id for Datastore and Cloud Tasks; App Engine sets it.' },
    'gaesession-local',
  ),
  DATASTORE_EMULATOR_HOST: optionalText({
    name: 'DATASTORE_EMULATOR_HOST',
    description: 'host:port of the Datastore emulator (local only; the stack prints it).',
  }),
  DATASTORE_NAMESPACE: optionalText({
    name: 'DATASTORE_NAMESPACE',
    description: 'Datastore namespace for all session kinds (default namespace when unset).',
  }),
  SESSION_KIND: text({ name: 'SESSION_KIND', description: 'Datastore kind of session entities.' }, 'Session'),
  CACHE_BACKEND: oneOf(
    {
      name: 'CACHE_BACKEND',
      description:
        '`valkey` (Memorystore for Valkey, or any Redis 7 protocol server: writes applied on the server) or `memcached`.',
    },
    CACHE_BACKENDS,
    'memcached',
  ),
  CACHE_URL: text(
    {
      name: 'CACHE_URL',
      description:
        'With `valkey`: `redis://[user:password@]host:port`, or `rediss://` for TLS; in production the VPC address of the instance.',
    },
    'redis://127.0.0.1:6380',
  ),
  CACHE_TLS_CA_FILE: optionalText({
    name: 'CACHE_TLS_CA_FILE',
    description: "With `rediss://`: a PEM file of the server's CA (Memorystore's in-transit encryption has its own).",
  }),
  MEMCACHED_SERVERS: text(
    {
      name: 'MEMCACHED_SERVERS',
      description: 'memcached address(es), comma-separated; in production the VPC address of the cache.',
    },
    '127.0.0.1:11211',
  ),
  CACHE_KEY_PREFIX: text({ name: 'CACHE_KEY_PREFIX', description: 'Prefix of every cache key.' }, 'gs:'),
  CACHE_TIMEOUT_MS: integer(
    {
      name: 'CACHE_TIMEOUT_MS',
      description: 'How long a cache call may wait for its answer before the request falls back to Datastore.',
    },
    500,
    10,
  ),
  CACHE_RETRIES: integer(
    {
      name: 'CACHE_RETRIES',
      description:
        'Extra attempts of a cache read after a network error (writes whose outcome is unknown are not resent).',
    },
    2,
  ),
  QUEUE_BACKEND: oneOf(
    { name: 'QUEUE_BACKEND', description: '`bullmq` (Redis) or `cloud-tasks`.' },
    QUEUE_BACKENDS,
    (context) => (context.onAppEngine ? 'cloud-tasks' : 'bullmq'),
    'bullmq (cloud-tasks on App Engine)',
  ),
  QUEUE_NAME: text(
    { name: 'QUEUE_NAME', description: 'BullMQ queue / Cloud Tasks queue (must match queue.yaml).' },
    DEFAULT_QUEUE_NAME,
  ),
  REDIS_HOST: text({ name: 'REDIS_HOST', description: 'Redis for BullMQ.' }, '127.0.0.1'),
  REDIS_PORT: integer({ name: 'REDIS_PORT', description: 'Redis port.' }, 6379, 1),
  CLOUD_TASKS_LOCATION: text(
    { name: 'CLOUD_TASKS_LOCATION', description: 'Region of the Cloud Tasks queue (your App Engine region).' },
    'us-central1',
  ),
  CLOUD_TASKS_EMULATOR_HOST: optionalText({
    name: 'CLOUD_TASKS_EMULATOR_HOST',
    description: 'host:port of the local Cloud Tasks emulator (insecure gRPC).',
  }),
  WORKER_SERVICE: text(
    { name: 'WORKER_SERVICE', description: 'App Engine service that receives the event tasks.' },
    DEFAULT_WORKER_SERVICE,
  ),
  SESSION_MODE: oneOf(
    { name: 'SESSION_MODE', description: '`write-behind`, `sync` or `cache-only`.' },
    ['write-behind', 'sync', 'cache-only'],
    'write-behind',
  ),
  SESSION_TIMEOUT_MS: integer(
    { name: 'SESSION_TIMEOUT_MS', description: 'Idle timeout of new sessions (30 min).' },
    30 * 60 * 1000,
    1000,
  ),
  SESSION_TOUCH_AFTER: fraction(
    {
      name: 'SESSION_TOUCH_AFTER',
      description: 'Fraction of the timeout after which a read-only request moves the expiry.',
    },
    0.25,
  ),
  COOKIE_SECRETS: list({
    name: 'COOKIE_SECRETS',
    description:
      'Comma-separated cookie signing secrets, each at least 16 characters (first signs, all verify); unsigned when unset.',
  }),
  COOKIE_ALLOW_HTTP: flag(
    { name: 'COOKIE_ALLOW_HTTP', description: 'Drop the Secure attribute (local http:// only).' },
    false,
  ),
  WORKER_SHARED_SECRET: optionalText({
    name: 'WORKER_SHARED_SECRET',
    description: `Off App Engine: the \`${SECRET_HEADER}\` header value that task and cron endpoints accept.`,
  }),
  TASK_RETRY_LIMIT: integer(
    {
      name: 'TASK_RETRY_LIMIT',
      description:
        "Retries of an event before it goes to the dead letters (deliveries = this + 1); equal to queue.yaml's task_retry_limit.",
    },
    20,
    1,
  ),
  WORKER_CONCURRENCY: integer(
    {
      name: 'WORKER_CONCURRENCY',
      description:
        'BullMQ jobs in flight in one worker (they mostly wait for a group commit, so many are cheap and make groups bigger).',
    },
    200,
    1,
  ),
  WORKER_LOCK_MS: integer(
    {
      name: 'WORKER_LOCK_MS',
      description: "BullMQ job lock: a crashed worker's jobs are redelivered after about twice this.",
    },
    30_000,
    1000,
  ),
  BATCH_MAX_EVENTS: integer(
    { name: 'BATCH_MAX_EVENTS', description: 'Group commit: most events in one Datastore commit.' },
    200,
    1,
  ),
  BATCH_MAX_WAIT_MS: integer(
    { name: 'BATCH_MAX_WAIT_MS', description: 'Group commit: longest an event waits for company.' },
    5,
  ),
  PURGE_INTERVAL_MS: integer(
    { name: 'PURGE_INTERVAL_MS', description: 'Local purge schedule (production uses cron.yaml).' },
    30 * 60 * 1000,
    1000,
  ),
  PURGE_BUDGET_MS: integer(
    {
      name: 'PURGE_BUDGET_MS',
      description: 'A purge run stops after this long (8 min; App Engine requests end at 10).',
    },
    8 * 60 * 1000,
    1000,
  ),
  EVENT_LOG_RETENTION_MS: optionalInteger(
    { name: 'EVENT_LOG_RETENTION_MS', description: 'Turns on the SessionEvent audit log, kept this long.' },
    1,
  ),
} as const satisfies Record<string, Variable<unknown>>;

export type VariableName = keyof typeof VARIABLES;

/** The value type of a variable. */
export type ValueOf<N extends VariableName> = ReturnType<(typeof VARIABLES)[N]['parse']>;
