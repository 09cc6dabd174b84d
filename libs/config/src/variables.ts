/** One environment variable: its name, default and meaning. The README's table comes from here. */
export interface Variable {
  readonly name: string;
  /** The default as text; undefined when the variable is optional and has none. */
  readonly default: string | undefined;
  readonly description: string;
}

export const VARIABLES = [
  { name: 'PORT', default: '8080 (web), 8090 (worker)', description: 'HTTP port; App Engine sets it.' },
  {
    name: 'GOOGLE_CLOUD_PROJECT',
    default: 'gaesession-local',
    description: 'Project id for Datastore and Cloud Tasks; App Engine sets it.',
  },
  {
    name: 'DATASTORE_EMULATOR_HOST',
    default: undefined,
    description: 'host:port of the Datastore emulator (local only; the stack prints it).',
  },
  {
    name: 'DATASTORE_NAMESPACE',
    default: undefined,
    description: 'Datastore namespace for all session kinds (default namespace when unset).',
  },
  { name: 'SESSION_KIND', default: 'Session', description: 'Datastore kind of session entities.' },
  {
    name: 'MEMCACHED_SERVERS',
    default: '127.0.0.1:11211',
    description: 'memcached address(es), comma-separated; in production the VPC address of the cache.',
  },
  { name: 'CACHE_KEY_PREFIX', default: 'gs:', description: 'Prefix of every cache key.' },
  {
    name: 'QUEUE_BACKEND',
    default: 'bullmq (cloud-tasks on App Engine)',
    description: '`bullmq` (Redis) or `cloud-tasks`.',
  },
  {
    name: 'QUEUE_NAME',
    default: 'session-events',
    description: 'BullMQ queue / Cloud Tasks queue (must match queue.yaml).',
  },
  { name: 'REDIS_HOST', default: '127.0.0.1', description: 'Redis for BullMQ.' },
  { name: 'REDIS_PORT', default: '6379', description: 'Redis port.' },
  {
    name: 'CLOUD_TASKS_LOCATION',
    default: 'us-central1',
    description: 'Region of the Cloud Tasks queue (your App Engine region).',
  },
  {
    name: 'CLOUD_TASKS_EMULATOR_HOST',
    default: undefined,
    description: 'host:port of the local Cloud Tasks emulator (insecure gRPC).',
  },
  { name: 'WORKER_SERVICE', default: 'worker', description: 'App Engine service that receives the event tasks.' },
  {
    name: 'WORKER_URL',
    default: 'http://127.0.0.1:8090',
    description: 'Where the web app reads the worker (local demo: durability panel, emulator routing).',
  },
  { name: 'SESSION_MODE', default: 'write-behind', description: '`write-behind`, `sync` or `cache-only`.' },
  { name: 'SESSION_TIMEOUT_MS', default: '1800000', description: 'Idle timeout of new sessions (30 min).' },
  {
    name: 'SESSION_TOUCH_AFTER',
    default: '0.25',
    description: 'Fraction of the timeout after which a read-only request moves the expiry.',
  },
  {
    name: 'COOKIE_SECRETS',
    default: undefined,
    description: 'Comma-separated cookie signing secrets (first signs, all verify); unsigned when unset.',
  },
  { name: 'COOKIE_ALLOW_HTTP', default: 'false', description: 'Drop the Secure attribute (local http:// only).' },
  {
    name: 'WORKER_SHARED_SECRET',
    default: undefined,
    description: 'Off App Engine: the `X-Worker-Secret` header value that task and cron endpoints accept.',
  },
  {
    name: 'TASK_RETRY_LIMIT',
    default: '20',
    description: 'Attempts after which an event goes to the dead letters (match queue.yaml task_retry_limit).',
  },
  {
    name: 'WORKER_CONCURRENCY',
    default: '200',
    description:
      'BullMQ jobs in flight in one worker (they mostly wait for a group commit, so many are cheap and make groups bigger).',
  },
  {
    name: 'WORKER_LOCK_MS',
    default: '30000',
    description: "BullMQ job lock: a crashed worker's jobs are redelivered after about twice this.",
  },
  { name: 'BATCH_MAX_EVENTS', default: '200', description: 'Group commit: most events in one Datastore commit.' },
  { name: 'BATCH_MAX_WAIT_MS', default: '5', description: 'Group commit: longest an event waits for company.' },
  { name: 'PURGE_INTERVAL_MS', default: '1800000', description: 'Local purge schedule (production uses cron.yaml).' },
  {
    name: 'PURGE_BUDGET_MS',
    default: '480000',
    description: 'A purge run stops after this long (8 min; App Engine requests end at 10).',
  },
  {
    name: 'EVENT_LOG_RETENTION_MS',
    default: undefined,
    description: 'Turns on the SessionEvent audit log, kept this long.',
  },
] as const satisfies readonly Variable[];

export type VariableName = (typeof VARIABLES)[number]['name'];
