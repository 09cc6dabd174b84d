// Adoption, as a new user would do it: every public package packed with `npm pack`, installed
// from the tarballs into an app outside the repository (third-party packages from the registry,
// no workspace links), and the README's Express apps run verbatim against the local services,
// with the worker started from the installed package's bin. TypeScript checks them with
// skipLibCheck off, @types/express-session installed beside them.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, realpathSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey } from '@gaesession/core';
import { CookieManager } from '@gaesession/session';
import { eventually, freePort, services, testDatastore, uniqueName } from '@gaesession/testkit';
import { ROOT } from '../stack/state.js';
import { startGroup, type GroupProcess } from '../testing/process.fixture.js';
import { deleteQueueKeys } from '../testing/redis-keys.fixture.js';
import {
  cleanEnv,
  install,
  newApp,
  packAll,
  redisCli,
  run,
  strictTsconfig,
  type PackedPackage,
} from './install.fixture.js';
import { codeBlocks } from './snippets.js';

const log = (line: string): void => {
  console.log(`[pack test] ${line}`);
};

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const [NATIVE_APP = '', STORE_APP = ''] = codeBlocks(README, 'Using the library in your Express app', ['ts', 'js']);

/** A program that uses express-session (typed by @types/express-session) and the native middleware side by side. */
const COEXIST = `import express from 'express';
import session from 'express-session';
import { GaeSessionStore } from '@gaesession/express-session';
import { createSessions } from '@gaesession/config';
import { sessionMiddleware, sessionOf } from '@gaesession/session';
import { createWorker } from '@gaesession/worker';

declare module 'express-session' {
  interface SessionData {
    user: string;
  }
}

const app = express();
const worker = await createWorker();
app.use(worker.router);
const old = express.Router();
old.use(session({ store: new GaeSessionStore(), secret: ['a secret'], resave: false, saveUninitialized: false }));
old.get('/me', (req, res) => {
  const user: string | undefined = req.session.user;
  res.json({ user: user ?? null });
});
const migrated = express.Router();
migrated.use(sessionMiddleware(createSessions().sessions));
migrated.get('/me', (req, res) => {
  const visits: number | undefined = sessionOf(req).session?.increment('visits');
  res.json({ visits: visits ?? 0 });
});
app.use('/old', old);
app.use('/v2', migrated);
app.listen(8080);
`;

describe('the packages, packed and installed into an app of its own', () => {
  const tarballs = realpathSync(mkdtempSync(join(tmpdir(), 'gaesession-tarballs-')));
  const appDir = newApp('gaesession-adopt-');
  const db = testDatastore('pack');
  const queueName = uniqueName('pack');
  const secret = randomBytes(24).toString('base64url');
  const children: GroupProcess[] = [];
  let packed: PackedPackage[] = [];
  let installMs = 0;
  const t0 = Date.now();

  const env = (port: number) =>
    cleanEnv({
      PORT: String(port),
      GOOGLE_CLOUD_PROJECT: services.datastore.projectId,
      DATASTORE_EMULATOR_HOST: services.datastore.emulatorHost,
      DATASTORE_NAMESPACE: db.namespace,
      MEMCACHED_SERVERS: services.memcached,
      CACHE_KEY_PREFIX: `${queueName}:`,
      REDIS_HOST: services.redis.host,
      REDIS_PORT: String(services.redis.port),
      QUEUE_BACKEND: 'bullmq',
      QUEUE_NAME: queueName,
      COOKIE_ALLOW_HTTP: 'true',
      COOKIE_SECRETS: secret,
      WORKER_SHARED_SECRET: secret,
      NODE_ENV: 'production',
    });

  /** Starts `node <file>` (or a bin) in the app and waits until it answers HTTP. */
  async function start(command: string, args: string[], port: number): Promise<GroupProcess> {
    const child = startGroup(command, args, appDir, env(port));
    children.push(child);
    await eventually(
      async () => {
        if (child.exited() !== undefined) throw new Error(`${args.join(' ')} exited:\n${child.output()}`);
        return fetch(`http://127.0.0.1:${port}/healthz`).then(
          () => true,
          () => undefined,
        );
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `${command} ${args.join(' ')} to listen` },
    );
    return child;
  }

  /** The attributes Datastore holds for a session key, once the worker wrote them. */
  async function durableAttrs(key: string): Promise<Record<string, unknown> | undefined> {
    const { datastore, namespace } = db;
    const [entity] = (await datastore.get(datastore.key({ namespace, path: ['Session', key] }))) as [
      Record<string, unknown> | undefined,
    ];
    return entity === undefined
      ? undefined
      : (JSON.parse(String(entity.data)) as { attrs: Record<string, unknown> }).attrs;
  }

  beforeAll(async () => {
    packed = await packAll(tarballs);
    log(`packed ${packed.map((p) => p.filename).join(', ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    installMs = await install(appDir, [
      ...packed.map((p) => join(tarballs, p.filename)),
      'express@^5.3.0',
      'express-session@^1.19.0',
      '@types/node@^20.19.43',
    ]);
    log(`npm install into ${appDir}: ${(installMs / 1000).toFixed(1)} s`);
  }, 240_000);

  afterAll(async () => {
    for (const child of children) await child.stop(5000);
    deleteQueueKeys(queueName);
    await db.close();
    rmSync(appDir, { recursive: true, force: true });
    rmSync(tarballs, { recursive: true, force: true });
    log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s (npm install ${(installMs / 1000).toFixed(1)} s)`);
  });

  it('packs each public package with its LICENSE, README, dist and sources, and no tests or fixtures', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      [
        'cache',
        'config',
        'core',
        'events',
        'express-session',
        'persistence',
        'queue',
        'session',
        'store',
        'worker',
      ].map((name) => `@gaesession/${name}`),
    );
    for (const pkg of packed) {
      const files = pkg.files.map((f) => f.path);
      expect(files, pkg.name).toEqual(
        expect.arrayContaining([
          'LICENSE',
          'README.md',
          'package.json',
          'dist/index.js',
          'dist/index.d.ts',
          'src/index.ts',
        ]),
      );
      expect(
        files.filter((f) => /\.(test|fixture)\.|tsbuildinfo|(^|\/)test\//.test(f)),
        pkg.name,
      ).toEqual([]);
      // Every compiled file has its source: no leftovers of deleted sources.
      const sources = new Set(files.filter((f) => f.startsWith('src/')));
      const orphans = files
        .filter((f) => f.startsWith('dist/') && f.endsWith('.js'))
        .filter((f) => !sources.has(f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')));
      expect(orphans, pkg.name).toEqual([]);
    }
  });

  it('installs without workspace links, each single-copy dependency once', () => {
    expect(appDir.startsWith(realpathSync(ROOT) + sep)).toBe(false);
    const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const pkg of packed) expect(manifest.dependencies[pkg.name], pkg.name).toMatch(/^file:.*\.tgz$/);
    const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { link?: boolean }>;
    };
    expect(Object.entries(lock.packages).filter(([, entry]) => entry.link === true)).toEqual([]);
    for (const single of ['ioredis', '@grpc/grpc-js', '@google-cloud/datastore', 'express-session']) {
      const copies = Object.keys(lock.packages).filter((path) => path.endsWith(`node_modules/${single}`));
      expect(copies, single).toEqual([`node_modules/${single}`]);
    }
    expect(existsSync(join(appDir, 'node_modules', '@types', 'express-session'))).toBe(true);
    expect(existsSync(join(appDir, 'node_modules', '.bin', 'gaesession-worker'))).toBe(true);
  });

  it("type-checks the README's app, and express-session beside the native middleware, with skipLibCheck off", async () => {
    const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
    writeFileSync(join(appDir, 'app.ts'), NATIVE_APP);
    writeFileSync(join(appDir, 'coexist.ts'), COEXIST);
    for (const [config, file] of [
      ['tsconfig.app.json', 'app.ts'],
      ['tsconfig.coexist.json', 'coexist.ts'],
    ] as const) {
      writeFileSync(join(appDir, config), JSON.stringify(strictTsconfig([file]), null, 2));
      await run(tsc, ['-p', config], appDir);
    }
  }, 60_000);

  it("runs the README's app verbatim: a login and a write wait in the queue until the installed worker makes them durable", async () => {
    writeFileSync(join(appDir, 'app.js'), NATIVE_APP);
    const port = await freePort();
    await start(process.execPath, ['app.js'], port);
    const url = `http://127.0.0.1:${port}`;
    const login = await fetch(`${url}/login`, { method: 'POST' });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const visit = await fetch(`${url}/`, { headers: { cookie } });
    expect(await visit.json()).toEqual({ visits: 1 });
    const token = new CookieManager({ secrets: [secret], allowHttp: true }).readState(cookie)?.token ?? '';
    const key = sessionKey(token);

    // No worker yet: the login is in Datastore (written in the request), the visit waits in Redis.
    const waiting = Number(redisCli(services.redis.host, services.redis.port, ['LLEN', `bull:${queueName}:wait`]));
    expect(waiting).toBeGreaterThan(0);
    expect((await durableAttrs(key))?.visits).toBeUndefined();

    const workerPort = await freePort();
    await start(join(appDir, 'node_modules', '.bin', 'gaesession-worker'), [], workerPort);
    const attrs = await eventually(async () => ((await durableAttrs(key))?.visits === 1 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the visit to reach Datastore',
    });
    expect(attrs).toBe(true);
  }, 90_000);

  it("runs the README's express-session app on GaeSessionStore, its writes reaching Datastore", async () => {
    writeFileSync(join(appDir, 'store-app.js'), STORE_APP);
    const port = await freePort();
    await start(process.execPath, ['store-app.js'], port);
    const url = `http://127.0.0.1:${port}`;
    const login = await fetch(`${url}/login`, { method: 'POST' });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    for (const visits of [1, 2])
      expect(await (await fetch(`${url}/`, { headers: { cookie } })).json()).toEqual({ visits });
    const signed = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    const key = sessionKey(signed.slice(2, signed.lastIndexOf('.')));
    await eventually(async () => ((await durableAttrs(key))?.visits === 2 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the visits to reach Datastore',
    });
    expect(await durableAttrs(key)).toMatchObject({ user: 'ada', visits: 2 });
  }, 60_000);
});
