import { CookieManager } from '@gaesession/session';
import { sessionKey } from '@gaesession/core';
import { expressSessionId } from './cookies.js';
import type { RunContext } from './environment.js';

/** The servers, in the order they run; `--only` takes these names. */
export const SERVER_IDS = [
  'express',
  'redis',
  'memcached',
  'datastore',
  'gaesession',
  'gaesession-ungrouped',
  'gaesession-valkey',
  'gaesession-cloud-tasks',
  'gaesession-cloud-tasks-ungrouped',
  'gaesession-store',
] as const;
export type ServerId = (typeof SERVER_IDS)[number];

/** What a server leaves in the shared services, for the bench to delete after it stopped. */
export interface Leftovers {
  /** Redis key patterns (SCAN MATCH syntax). */
  readonly redisPatterns: readonly string[];
  /** Full memcached keys. */
  readonly memcachedKeys: readonly string[];
  /** Key patterns (SCAN MATCH syntax) on the Valkey cache (`RunContext.valkeyUrl`). */
  readonly valkeyPatterns?: readonly string[];
  /** A Datastore namespace to empty. */
  readonly datastoreNamespace?: string;
}

export interface ServerSpec {
  readonly id: ServerId;
  /** How the table names it. */
  readonly label: string;
  /** Entry file, relative to the repository root; run as `node --import tsx <entry>`. */
  readonly entry: string;
  /** Runs the gaesession worker beside it, so events really drain during the runs. */
  readonly worker: boolean;
  /**
   * Publishes to Cloud Tasks: the bench starts a Cloud Tasks emulator beside it (pushing to the
   * worker) and counts the tasks created. @defaultValue false (BullMQ)
   */
  readonly cloudTasks?: boolean;
  /** Has sessions (bare Express has none: no cookie, no counter). */
  readonly sessions: boolean;
  /** Environment of the server (and of its worker). */
  env(ctx: RunContext): Record<string, string>;
  /** What it created, given the session cookies the bench logged in with. */
  leftovers(ctx: RunContext, cookies: readonly string[]): Leftovers;
}

const SERVERS = 'apps/bench/src/request/servers';

/** The name of everything one server creates in the shared services: `<runId>-<id>`. */
export function resourceName(ctx: RunContext, id: ServerId): string {
  return `${ctx.runId}-${id}`;
}

function peerEnv(ctx: RunContext, id: ServerId): Record<string, string> {
  const { services } = ctx;
  return {
    BENCH_COOKIE_SECRET: ctx.cookieSecret,
    BENCH_KEY_PREFIX: `${resourceName(ctx, id)}:`,
    REDIS_HOST: services.redis.host,
    REDIS_PORT: String(services.redis.port),
    MEMCACHED_SERVERS: services.memcached,
    GOOGLE_CLOUD_PROJECT: services.projectId,
    DATASTORE_EMULATOR_HOST: services.datastoreEmulator,
    DATASTORE_NAMESPACE: resourceName(ctx, id),
  };
}

/** How a gaesession row is wired. */
interface Wiring {
  /** With the `GroupingPublisher`. */
  readonly grouping: boolean;
  readonly cache: 'memcached' | 'valkey';
  readonly queue: 'bullmq' | 'cloud-tasks';
}

const MEMCACHED_BULLMQ = { cache: 'memcached', queue: 'bullmq' } as const;

/**
 * The variables `loadConfig()` reads, for the gaesession server and its worker alike. With Cloud
 * Tasks the bench adds CLOUD_TASKS_EMULATOR_HOST and the worker's PORT once the emulator runs.
 */
function gaesessionEnv(ctx: RunContext, id: ServerId, wiring: Wiring): Record<string, string> {
  const { services } = ctx;
  const name = resourceName(ctx, id);
  return {
    BENCH_GROUPING: String(wiring.grouping),
    SESSION_MODE: 'write-behind',
    QUEUE_BACKEND: wiring.queue,
    QUEUE_NAME: name,
    REDIS_HOST: services.redis.host,
    REDIS_PORT: String(services.redis.port),
    CACHE_BACKEND: wiring.cache,
    CACHE_URL: ctx.valkeyUrl,
    MEMCACHED_SERVERS: services.memcached,
    CACHE_KEY_PREFIX: `${name}:`,
    GOOGLE_CLOUD_PROJECT: services.projectId,
    DATASTORE_EMULATOR_HOST: services.datastoreEmulator,
    DATASTORE_NAMESPACE: name,
    COOKIE_SECRETS: ctx.cookieSecret,
    COOKIE_ALLOW_HTTP: 'true',
    // Off App Engine the worker takes tasks only with this secret, which the publisher adds.
    WORKER_SHARED_SECRET: ctx.cookieSecret,
    // The worker's HTTP port: any free one (BullMQ needs none; Cloud Tasks rows get a fixed one).
    PORT: '0',
  };
}

function gaesessionLeftovers(
  ctx: RunContext,
  id: ServerId,
  cookies: readonly string[],
  cache: Wiring['cache'] = 'memcached',
): Leftovers {
  const name = resourceName(ctx, id);
  const manager = new CookieManager({ secrets: [ctx.cookieSecret], allowHttp: true });
  const tokens = cookies.flatMap((cookie) => manager.readState(cookie)?.token ?? []);
  return {
    // The event queue and the worker's purge queue (`<name>-purge`); none with Cloud Tasks.
    redisPatterns: [`bull:${name}:*`, `bull:${name}-purge:*`],
    memcachedKeys: cache === 'memcached' ? tokens.map((token) => `${name}:${sessionKey(token)}`) : [],
    ...(cache === 'valkey' ? { valkeyPatterns: [`${name}:*`] } : {}),
    datastoreNamespace: name,
  };
}

/** A gaesession row: the same server and worker, wired as `wiring` says. */
function gaesessionRow(id: ServerId, label: string, wiring: Wiring): ServerSpec {
  return {
    id,
    label,
    entry: `${SERVERS}/gaesession.ts`,
    worker: true,
    ...(wiring.queue === 'cloud-tasks' ? { cloudTasks: true } : {}),
    sessions: true,
    env: (ctx) => gaesessionEnv(ctx, id, wiring),
    leftovers: (ctx, cookies) => gaesessionLeftovers(ctx, id, cookies, wiring.cache),
  };
}

function peerSessionKeys(ctx: RunContext, id: ServerId, cookies: readonly string[]): string[] {
  return cookies.flatMap((cookie) => {
    const sid = expressSessionId(cookie);
    return sid === undefined ? [] : [`${resourceName(ctx, id)}:${sid}`];
  });
}

const none: Leftovers = { redisPatterns: [], memcachedKeys: [] };

export const CATALOGUE: readonly ServerSpec[] = [
  {
    id: 'express',
    label: 'bare Express (no session)',
    entry: `${SERVERS}/express-bare.js`,
    worker: false,
    sessions: false,
    env: () => ({}),
    leftovers: () => none,
  },
  {
    id: 'redis',
    label: 'express-session + connect-redis',
    entry: `${SERVERS}/express-session-redis.js`,
    worker: false,
    sessions: true,
    env: (ctx) => peerEnv(ctx, 'redis'),
    leftovers: (ctx) => ({ redisPatterns: [`${resourceName(ctx, 'redis')}:*`], memcachedKeys: [] }),
  },
  {
    id: 'memcached',
    label: 'express-session + connect-memcached',
    entry: `${SERVERS}/express-session-memcached.js`,
    worker: false,
    sessions: true,
    env: (ctx) => peerEnv(ctx, 'memcached'),
    leftovers: (ctx, cookies) => ({ redisPatterns: [], memcachedKeys: peerSessionKeys(ctx, 'memcached', cookies) }),
  },
  {
    id: 'datastore',
    label: 'express-session + connect-datastore',
    entry: `${SERVERS}/express-session-datastore.js`,
    worker: false,
    sessions: true,
    env: (ctx) => peerEnv(ctx, 'datastore'),
    leftovers: (ctx) => ({ ...none, datastoreNamespace: resourceName(ctx, 'datastore') }),
  },
  gaesessionRow('gaesession', 'gaesession (memcached + BullMQ)', { grouping: true, ...MEMCACHED_BULLMQ }),
  gaesessionRow('gaesession-ungrouped', 'gaesession, no group enqueue', { grouping: false, ...MEMCACHED_BULLMQ }),
  gaesessionRow('gaesession-valkey', 'gaesession (Valkey + BullMQ)', {
    grouping: true,
    cache: 'valkey',
    queue: 'bullmq',
  }),
  gaesessionRow('gaesession-cloud-tasks', 'gaesession (memcached + Cloud Tasks)', {
    grouping: true,
    cache: 'memcached',
    queue: 'cloud-tasks',
  }),
  gaesessionRow('gaesession-cloud-tasks-ungrouped', 'gaesession, Cloud Tasks, no group enqueue', {
    grouping: false,
    cache: 'memcached',
    queue: 'cloud-tasks',
  }),
  {
    id: 'gaesession-store',
    label: 'express-session + GaeSessionStore',
    entry: `${SERVERS}/express-session-gaesession.js`,
    worker: true,
    sessions: true,
    env: (ctx) => ({
      ...gaesessionEnv(ctx, 'gaesession-store', { grouping: true, ...MEMCACHED_BULLMQ }),
      BENCH_COOKIE_SECRET: ctx.cookieSecret,
    }),
    leftovers: (ctx, cookies) => {
      const name = resourceName(ctx, 'gaesession-store');
      const sids = cookies.flatMap((cookie) => expressSessionId(cookie) ?? []);
      return {
        redisPatterns: [`bull:${name}:*`, `bull:${name}-purge:*`],
        memcachedKeys: sids.map((sid) => `${name}:${sessionKey(sid)}`),
        datastoreNamespace: name,
      };
    },
  },
];

/** The worker the gaesession servers run beside them: the worker app itself. */
export const WORKER_ENTRY = 'apps/worker/src/main.ts';
/** The stand-in used when the worker app does not start (it is under construction). */
