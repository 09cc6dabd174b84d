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
  'gaesession-store',
] as const;
export type ServerId = (typeof SERVER_IDS)[number];

/** What a server leaves in the shared services, for the bench to delete after it stopped. */
export interface Leftovers {
  /** Redis key patterns (SCAN MATCH syntax). */
  readonly redisPatterns: readonly string[];
  /** Full memcached keys. */
  readonly memcachedKeys: readonly string[];
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

/** The variables `loadConfig()` reads, for the gaesession server and its worker alike. */
function gaesessionEnv(ctx: RunContext, id: ServerId, grouping: boolean): Record<string, string> {
  const { services } = ctx;
  const name = resourceName(ctx, id);
  return {
    BENCH_GROUPING: String(grouping),
    SESSION_MODE: 'write-behind',
    QUEUE_BACKEND: 'bullmq',
    QUEUE_NAME: name,
    REDIS_HOST: services.redis.host,
    REDIS_PORT: String(services.redis.port),
    MEMCACHED_SERVERS: services.memcached,
    CACHE_KEY_PREFIX: `${name}:`,
    GOOGLE_CLOUD_PROJECT: services.projectId,
    DATASTORE_EMULATOR_HOST: services.datastoreEmulator,
    DATASTORE_NAMESPACE: name,
    COOKIE_SECRETS: ctx.cookieSecret,
    COOKIE_ALLOW_HTTP: 'true',
    // The worker's HTTP port: any free one (the bench uses BullMQ, not task pushes).
    PORT: '0',
  };
}

function gaesessionLeftovers(ctx: RunContext, id: ServerId, cookies: readonly string[]): Leftovers {
  const name = resourceName(ctx, id);
  const manager = new CookieManager({ secrets: [ctx.cookieSecret], allowHttp: true });
  const tokens = cookies.flatMap((cookie) => manager.readState(cookie)?.token ?? []);
  return {
    // The event queue and the worker's purge queue (`<name>-purge`).
    redisPatterns: [`bull:${name}:*`, `bull:${name}-purge:*`],
    memcachedKeys: tokens.map((token) => `${name}:${sessionKey(token)}`),
    datastoreNamespace: name,
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
  {
    id: 'gaesession',
    label: 'gaesession (write-behind)',
    entry: `${SERVERS}/gaesession.ts`,
    worker: true,
    sessions: true,
    env: (ctx) => gaesessionEnv(ctx, 'gaesession', true),
    leftovers: (ctx, cookies) => gaesessionLeftovers(ctx, 'gaesession', cookies),
  },
  {
    id: 'gaesession-ungrouped',
    label: 'gaesession, no group enqueue',
    entry: `${SERVERS}/gaesession.ts`,
    worker: true,
    sessions: true,
    env: (ctx) => gaesessionEnv(ctx, 'gaesession-ungrouped', false),
    leftovers: (ctx, cookies) => gaesessionLeftovers(ctx, 'gaesession-ungrouped', cookies),
  },
  {
    id: 'gaesession-store',
    label: 'express-session + GaeSessionStore',
    entry: `${SERVERS}/express-session-gaesession.js`,
    worker: true,
    sessions: true,
    env: (ctx) => ({ ...gaesessionEnv(ctx, 'gaesession-store', true), BENCH_COOKIE_SECRET: ctx.cookieSecret }),
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
