// Starts the web app and the worker as child processes, the way App Engine runs them (not
// built, not a test file itself).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  Cleanup,
  eventually,
  freePort,
  services,
  testDatastore,
  uniqueName,
  type TestDatastore,
} from '@gaesession/testkit';
import { SECRET_HEADER } from '@gaesession/events';
import { ROOT } from '../stack/state.js';
import { cacheEnv, sharedCache, type CacheChoice } from './cache-choice.fixture.js';
import { controlApp, type ControlledApp } from './controlled-app.fixture.js';
import { startGroup, type GroupProcess } from './process.fixture.js';
import { deleteQueueKeys, deleteValkeyKeys } from './redis-keys.fixture.js';

export interface StartAppsOptions {
  /** Folder with the web app's package.json and dist/main.js: the repository's, or a bundle. @defaultValue `<repo>/apps/web` */
  readonly webDir?: string;
  /** The same for the worker. @defaultValue `<repo>/apps/worker` */
  readonly workerDir?: string;
  /** `npm` runs `npm start` (what App Engine does); `node` runs `node dist/main.js`. @defaultValue 'node' */
  readonly launcher?: 'npm' | 'node';
  /** Label in the test's unique names (namespace, queue, cache prefix). @defaultValue 'apps' */
  readonly label?: string;
  /** More environment for both apps; wins over the fixture's. */
  readonly env?: Readonly<Record<string, string>>;
  /** More environment for the worker only (e.g. `GAE_ENV`); wins over `env`. */
  readonly workerEnv?: Readonly<Record<string, string>>;
  /**
   * Starts something the apps need before they start, given the names and addresses they will
   * use (e.g. a Cloud Tasks emulator that pushes to the worker). Its `env` goes to both apps (under
   * `env`); it is closed after the apps have stopped. @defaultValue nothing
   */
  readonly sidecar?: (plan: AppsPlan) => Promise<Sidecar>;
  /** How long each app may take to answer /_ah/warmup and /healthz, in ms. @defaultValue 30000 */
  readonly startTimeoutMs?: number;
  /**
   * Services of the test's own (e.g. from `startPrivateRedis`) instead of the machine's shared
   * ones, so the test may stop, flush or restart them, and the cache the apps use. A private
   * Redis's queue keys, a private cache's entries and a private emulator's entities are not
   * cleaned up by `stop()`: the test discards the whole server.
   * @defaultValue the shared services (`services` from testkit), memcached as the cache
   */
  readonly services?: AppServices;
}

/** Where the apps find their services; each one left out is the machine's shared one. */
export interface AppServices {
  /**
   * CACHE_BACKEND and its address (MEMCACHED_SERVERS or CACHE_URL): `sharedCache('valkey')` for
   * the stack's Valkey, or a private server. @defaultValue the shared memcached
   */
  readonly cache?: CacheChoice;
  /** REDIS_HOST and REDIS_PORT. */
  readonly redis?: { readonly host: string; readonly port: number };
  /** DATASTORE_EMULATOR_HOST, `host:port`. */
  readonly datastoreEmulatorHost?: string;
}

/** What the apps will use, known before they start. */
export interface AppsPlan {
  /** QUEUE_NAME of both apps. */
  readonly queueName: string;
  /** `http://127.0.0.1:<port>` the worker will listen on. */
  readonly workerUrl: string;
  /** `http://127.0.0.1:<port>` the web app will listen on. */
  readonly webUrl: string;
}

/** A service started for the apps by {@link StartAppsOptions.sidecar}. */
export interface Sidecar {
  /** Environment pointing the apps at it. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<unknown>;
}

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** What the app printed so far. */
  output(): string;
}

export type { ControlledApp } from './controlled-app.fixture.js';

export interface RunningApps {
  readonly web: ControlledApp;
  readonly worker: ControlledApp;
  /** Starts one more worker process (same environment, its own port); `stop()` stops it too. */
  addWorker(): Promise<ControlledApp>;
  /** A Datastore client on the emulator and the namespace both apps use (DATASTORE_NAMESPACE). */
  readonly datastore: TestDatastore;
  readonly queueName: string;
  /** The cache both apps keep their sessions in, and CACHE_KEY_PREFIX of their keys there. */
  readonly cache: CacheChoice;
  readonly cacheKeyPrefix: string;
  /** The environment both apps got, PORT aside. */
  readonly env: Readonly<Record<string, string>>;
  /** Both apps' output, for failure messages. */
  output(): string;
  /** A worker's Prometheus text from `/metrics` (behind the shared secret); the first worker's by default. */
  workerMetricsText(url?: string): Promise<string>;
  /**
   * Stops the apps, every added worker too (SIGTERM, SIGKILL after 10 s), then deletes the
   * queue's Redis keys and the namespace's entities (on the shared services).
   */
  stop(): Promise<void>;
}

/**
 * The variables a process needs to run at all; everything else comes from the fixture. The apps
 * run with unhandled rejections as crashes (Node's `strict` mode), so a rejection any code path
 * leaves unhandled ends the app and fails the test that drove it (the hostile, fault and e2e
 * suites all start the apps here).
 */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  const kept = keep.flatMap((name): [string, string][] => {
    const value = process.env[name];
    return value === undefined ? [] : [[name, value]];
  });
  return { ...Object.fromEntries(kept), NODE_OPTIONS: '--unhandled-rejections=strict' };
}

async function answers(url: string): Promise<true | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok ? true : undefined;
  } catch {
    return undefined;
  }
}

async function startApp(
  name: string,
  dir: string,
  launcher: 'npm' | 'node',
  env: Record<string, string>,
  port: number,
  timeoutMs: number,
): Promise<GroupProcess> {
  const [command, args] = launcher === 'npm' ? ['npm', ['start']] : [process.execPath, ['dist/main.js']];
  const child = startGroup(command, args, dir, { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  try {
    // App Engine sends /_ah/warmup first; /healthz then says the app is ready for traffic.
    for (const path of ['/_ah/warmup', '/healthz']) {
      await eventually(
        async () => {
          const exit = child.exited();
          if (exit !== undefined) throw new Error(`${name} exited (${exit}) before answering ${path}`);
          return answers(url + path);
        },
        { timeoutMs, intervalMs: 100, what: `${name} to answer ${url}${path}` },
      );
    }
  } catch (error) {
    await child.stop(2000);
    throw new Error(`${name} (${command} ${args.join(' ')} in ${dir}) did not start:\n${child.output()}`, {
      cause: error,
    });
  }
  return child;
}

/**
 * Starts the worker and the web app on free ports with NODE_ENV=production, pointed at the
 * shared local services through names of this test's own: Datastore namespace, BullMQ queue,
 * cache key prefix, and a random worker secret. Resolves once both answer /_ah/warmup and /healthz.
 */
export async function startApps(options: StartAppsOptions = {}): Promise<RunningApps> {
  const label = options.label ?? 'apps';
  const own = options.services ?? {};
  const redis = own.redis ?? services.redis;
  const emulatorHost = own.datastoreEmulatorHost ?? services.datastore.emulatorHost;
  // Run newest first: the apps stop, then their queue keys and Datastore entities go.
  const cleanup = new Cleanup();
  // A test's own emulator may be down at the end, and is discarded with its data: no clearing.
  const datastore = cleanup.track(
    testDatastore(label, { emulatorHost, clearOnClose: own.datastoreEmulatorHost === undefined }),
  );
  const queueName = uniqueName(label);
  if (own.redis === undefined) cleanup.add(() => deleteQueueKeys(queueName));
  const cacheKeyPrefix = `${uniqueName(label)}:`;
  const cache = own.cache ?? sharedCache('memcached');
  // Shared Valkey entries would live as long as their sessions (memcached's are left to expire).
  if (cache.kind === 'valkey' && cache.address === sharedCache('valkey').address)
    cleanup.add(() => deleteValkeyKeys(cacheKeyPrefix));
  const [workerPort, webPort] = [await freePort(), await freePort()];
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  let sidecarEnv: Readonly<Record<string, string>> = {};
  if (options.sidecar !== undefined) {
    try {
      const sidecar = cleanup.track(
        await options.sidecar({ queueName, workerUrl, webUrl: `http://127.0.0.1:${webPort}` }),
      );
      sidecarEnv = sidecar.env;
    } catch (error) {
      await cleanup.run();
      throw error;
    }
  }
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    GOOGLE_CLOUD_PROJECT: services.datastore.projectId,
    DATASTORE_EMULATOR_HOST: emulatorHost,
    DATASTORE_NAMESPACE: datastore.namespace,
    ...cacheEnv(cache),
    CACHE_KEY_PREFIX: cacheKeyPrefix,
    REDIS_HOST: redis.host,
    REDIS_PORT: String(redis.port),
    QUEUE_BACKEND: 'bullmq',
    QUEUE_NAME: queueName,
    WORKER_SHARED_SECRET: randomBytes(24).toString('base64url'),
    WORKER_URL: workerUrl,
    // Local http:// only: production cookies are Secure.
    COOKIE_ALLOW_HTTP: 'true',
    ...sidecarEnv,
    ...options.env,
  };
  const launcher = options.launcher ?? 'node';
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const appEnv = { ...baseEnv(), ...env };
  const workerDir = options.workerDir ?? join(ROOT, 'apps', 'worker');
  const workerEnv = { ...appEnv, ...options.workerEnv };
  const launchWorker = (port: number) => () => startApp('worker', workerDir, launcher, workerEnv, port, timeoutMs);
  const webDir = options.webDir ?? join(ROOT, 'apps', 'web');
  const launchWeb = () => startApp('web', webDir, launcher, appEnv, webPort, timeoutMs);
  const started = await Promise.allSettled([
    controlApp('worker', workerPort, launchWorker(workerPort)),
    controlApp('web', webPort, launchWeb),
  ]);
  for (const result of started) if (result.status === 'fulfilled') cleanup.track(result.value);
  const [worker, web] = started;
  if (worker.status === 'rejected' || web.status === 'rejected') {
    await cleanup.run();
    throw (worker.status === 'rejected' ? worker.reason : (web as PromiseRejectedResult).reason) as Error;
  }
  const workers: ControlledApp[] = [worker.value];
  let stopping: Promise<void> | undefined;
  return {
    web: web.value,
    worker: worker.value,
    async addWorker() {
      const port = await freePort();
      const added = cleanup.track(await controlApp(`worker ${workers.length + 1}`, port, launchWorker(port)));
      workers.push(added);
      return added;
    },
    datastore,
    queueName,
    cache,
    cacheKeyPrefix,
    env,
    async workerMetricsText(url = worker.value.url) {
      const res = await fetch(`${url}/metrics`, {
        headers: { [SECRET_HEADER]: env.WORKER_SHARED_SECRET ?? '' },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
      return res.text();
    },
    output: () =>
      [
        ...workers.map((one, i) => `--- worker ${i + 1} ---\n${one.output()}`),
        `--- web ---\n${web.value.output()}`,
      ].join('\n'),
    stop: () => (stopping ??= cleanup.run()),
  };
}
