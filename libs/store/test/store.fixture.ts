// Shared by this package's integration suites: a real store on memcached or Valkey, Redis (BullMQ)
// and the Datastore emulator, a minimal worker loop, and an HTTP server that drives the session layer.
import { MetricsLog, silentLogger } from '@gaesession/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { MemcachedSessionCache, ValkeyCache, type SessionCache } from '@gaesession/cache';
import { decodeEvents } from '@gaesession/events';
import { DatastoreRepository } from '@gaesession/persistence';
import { BullMQPublisher, consumeEvents, type Consumer, type EventPublisher } from '@gaesession/queue';
import { SessionManager } from '@gaesession/session';
import {
  canConnect,
  deleteKeysUnder,
  services,
  testDatastore,
  uniqueName,
  type TestDatastore,
} from '@gaesession/testkit';
import { Queue } from 'bullmq';
import type { WriteBehindStoreOptions } from '../src/options.js';
import { WriteBehindStore } from '../src/write-behind-store.js';

/** The caches the store runs on; suites that involve the cache run on each. */
export const CACHES = ['memcached', 'valkey'] as const;
export type CacheName = (typeof CACHES)[number];

export interface Harness {
  readonly cache: SessionCache;
  readonly cacheName: CacheName;
  readonly keyPrefix: string;
  readonly db: TestDatastore;
  readonly repository: DatastoreRepository;
  readonly publisher: EventPublisher;
  readonly queueName: string;
  readonly store: WriteBehindStore;
  readonly metrics: MetricsLog;
  readonly url: string;
  /** Applies every queued event to Datastore, as the worker does, and waits until the queue is empty. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  label: string;
  /** @defaultValue 'memcached' */
  cache?: CacheName;
  store?: Partial<WriteBehindStoreOptions>;
  /** Redis for the queue. @defaultValue the shared one */
  redis?: { host: string; port: number };
  /** Session idle timeout, ms. */
  timeout?: number;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const keyPrefix = `${uniqueName(options.label)}:`;
  const cacheName = options.cache ?? 'memcached';
  const cache = newCache(cacheName, keyPrefix);
  const db = testDatastore(options.label);
  const repository = new DatastoreRepository({ datastore: db.datastore, namespace: db.namespace });
  const queueName = uniqueName(options.label);
  const connection = options.redis ?? services.redis;
  // A publish slower than the 1 s default on a busy machine would take the store's synchronous
  // fallback and change what a test sees; a stopped Redis still fails at once (no connection).
  const publisher = new BullMQPublisher({ connection, queueName, timeoutMs: 30_000 });
  const metrics = new MetricsLog({ logger: silentLogger, scope: 'store', intervalMs: 0 });
  const store = new WriteBehindStore({ cache, repository, publisher, metrics, ...options.store });
  const manager = new SessionManager({
    store,
    cookie: { allowHttp: true },
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  const server = createServer((req, res) => {
    manager.attach(req, res).then(
      (context) => {
        route(req, res, context);
      },
      (error: unknown) => {
        res.statusCode = (error as { status?: number }).status ?? 500;
        res.end(JSON.stringify({ error: { code: (error as { code?: string }).code } }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let consumer: Consumer | undefined;
  const drain = async () => {
    consumer ??= await consumeEvents({ connection, queueName, concurrency: 8 }, async ({ payload }) => {
      await repository.apply(decodeEvents(payload));
    });
    const queue = new Queue(queueName, { connection });
    try {
      for (;;) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) return;
        await sleep(20);
      }
    } finally {
      await queue.close();
    }
  };
  return {
    cache,
    cacheName,
    keyPrefix,
    db,
    repository,
    publisher,
    queueName,
    store,
    metrics,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    drain,
    async close() {
      await closeServer(server);
      // A test may have stopped its private Redis: then there is no queue left to clean.
      if (await canConnect(connection.port, connection.host)) {
        await consumer?.close();
        const queue = new Queue(queueName, { connection });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await publisher.close();
      await cache.close();
      if (cacheName === 'valkey') await deleteKeysUnder(services.valkey, keyPrefix);
      await db.close();
    },
  };
}

/** A cache of the given kind on the machine's shared instance, its keys under `keyPrefix`. */
export function newCache(name: CacheName, keyPrefix: string): SessionCache {
  return name === 'memcached'
    ? new MemcachedSessionCache({ servers: services.memcached, keyPrefix })
    : new ValkeyCache({ url: services.valkey, keyPrefix });
}

type Context = Awaited<ReturnType<SessionManager['attach']>>;

/** A tiny app: /login, /set/<name>?v=<json>, /fill/<name>?bytes=<n>, /incr/<name>, /get, /logout, /regenerate. */
function route(req: IncomingMessage, res: ServerResponse, context: Context): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const [, action, name = ''] = url.pathname.split('/');
  const principal = url.searchParams.get('principal');
  const session =
    action === 'login'
      ? context.create({ constants: { user: 'u' }, ...(principal === null ? {} : { principal }) })
      : context.session;
  const reply = (status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  };
  if (session === undefined) {
    reply(401, { error: 'no session' });
    return;
  }
  if (action === 'set') session.set(name, JSON.parse(url.searchParams.get('v') ?? 'null'));
  if (action === 'incr') session.increment(name);
  if (action === 'fill') session.set(name, 'x'.repeat(Number(url.searchParams.get('bytes'))));
  if (action === 'logout') session.destroy();
  if (action === 'regenerate') session.regenerate();
  context.commit().then(
    () => {
      reply(200, { key: session.key, version: session.version, attrs: session.snapshot().attrs });
    },
    // Ending the response re-runs the commit, which fails again: the session layer's error answer.
    () => res.end(),
  );
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

/** A new client of the harness server, logged in: `key` is its session's key. */
export async function login(h: Harness, principal?: string): Promise<{ client: Client; key: string }> {
  const client = new Client(h.url);
  const { body } = await client.call(principal === undefined ? '/login' : `/login?principal=${principal}`);
  return { client, key: String(body.key) };
}

/** A cookie-keeping client for the harness server. */
export class Client {
  cookie: string | undefined;
  constructor(readonly base: string) {}

  async call(path: string, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(this.base + path, {
      method,
      headers: this.cookie === undefined ? {} : { cookie: this.cookie },
    });
    const set = res.headers.get('set-cookie');
    if (set !== null) this.cookie = set.split(';')[0];
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}
