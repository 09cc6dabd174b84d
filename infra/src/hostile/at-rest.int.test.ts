// Tokens never at rest (invariant 1, docs/ARCHITECTURE.md): sessions driven through the real apps (signed cookies,
// event log on), then every cache value, queued job, Datastore entity and log line of the test is
// searched for every token and cookie value the web app ever handed out or was handed.
import { newToken } from '@gaesession/core';
import { eventually, services } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApps } from '../testing/apps.fixture.js';
import { CACHE_KINDS, sharedCache } from '../testing/cache-choice.fixture.js';
import {
  datastoreItems,
  decoded,
  findNeedles,
  plantCanary,
  queueItems,
  textNeedle,
  tokenNeedle,
  type Needle,
  type Stored,
} from './at-rest.fixture.js';
import { cacheItems } from './cache-at-rest.fixture.js';
import { rawRequest } from './raw-http.fixture.js';
import { cookieSecret, startBuiltApps } from './suite.fixture.js';
import { act, call, COOKIE_NAME, login, SetCookieLog, type Issued } from './web.fixture.js';

/** Fixture output kept per app: a log this long may have lost its start (see process.fixture.ts). */
const MAX_COMPLETE_LOG = 60 * 1024;

/** Drives one user through the API: writes (one gzip-sized), increments, regenerate, optional logout. */
async function driveUser(web: string, user: string, log: SetCookieLog, logout: boolean): Promise<Issued[]> {
  const planted = newToken();
  let session = await login(web, user, { log, cookie: `${COOKIE_NAME}=${planted}` });
  const seen = [session];
  const step = async (method: string, path: string, body?: unknown) => {
    session = (await act(web, session, method, path, { log, ...(body === undefined ? {} : { body }) })).session;
    seen.push(session);
  };
  await step('PUT', '/api/attrs/small', { value: { user, n: 1 } });
  // Over 4 KiB of JSON: its event is gzipped on the queue and in the event log.
  await step('PUT', '/api/attrs/big', { value: `${user}:`.repeat(1200) });
  for (let i = 0; i < 3; i++) await step('POST', '/api/incr/count', {});
  await step('GET', '/api/session');
  await step('POST', '/api/regenerate');
  await step('PUT', '/api/attrs/after', { value: true });
  await step('DELETE', '/api/attrs/small');
  await step('GET', '/api/durability');
  // Refused requests carrying the cookie: their errors must not log it.
  for (const [method, path, body] of [
    ['PUT', '/api/attrs/x', '{"value":'],
    ['POST', '/api/incr/big', JSON.stringify({ by: 1e308 })],
    ['POST', '/api/incr/big', JSON.stringify({ by: 1e308 })],
    ['PUT', '/api/attrs/huge', JSON.stringify({ value: 'x'.repeat(300 * 1024) })],
  ] as const) {
    const answer = await rawRequest(web, {
      method,
      path,
      headers: [
        ['Cookie', session.pair],
        ['Content-Type', 'application/json'],
      ],
      body,
    });
    log.add(answer.setCookies);
    expect(answer.status, `${method} ${path}`).toBeLessThan(500);
  }
  if (logout) {
    await step('POST', '/api/logout');
    // Replayed after logout: no session, and nothing may log the dead token.
    expect((await call(web, 'GET', '/api/session', { cookie: session.pair, log })).status).toBe(401);
  }
  return [...seen, { pair: `${COOKIE_NAME}=${planted}`, value: planted, token: planted, id: '' }];
}

/** The HTML form flow: login, two page views, logout. */
async function driveForm(web: string, log: SetCookieLog): Promise<void> {
  const form = async (path: string, cookie: string | undefined, body: string) => {
    const answer = await rawRequest(web, {
      method: 'POST',
      path,
      headers: [
        ['Content-Type', 'application/x-www-form-urlencoded'],
        ...(cookie === undefined ? [] : ([['Cookie', cookie]] as const)),
      ],
      body,
    });
    log.add(answer.setCookies);
    return answer;
  };
  const loggedIn = await form('/login', undefined, 'user=form-user&password=a');
  expect(loggedIn.status).toBe(303);
  let cookie = loggedIn.setCookies[0]?.split(';')[0] ?? '';
  for (let i = 0; i < 2; i++) {
    const page = await call(web, 'GET', '/', { cookie, log });
    expect(page.body).toContain('form-user');
    const next = page.setCookies[0]?.split(';')[0];
    if (next !== undefined) cookie = next;
  }
  expect((await form('/logout', cookie, '')).status).toBe(303);
}

describe.each(CACHE_KINDS)('tokens at rest, sessions in %s', (kind) => {
  let apps: RunningApps | undefined;
  let queue: Queue | undefined;

  beforeAll(async () => {
    apps = await startBuiltApps({
      label: `hostile-rest-${kind}`,
      services: { cache: sharedCache(kind) },
      env: { COOKIE_SECRETS: cookieSecret(), EVENT_LOG_RETENTION_MS: String(3_600_000) },
    });
    queue = new Queue(apps.queueName, { connection: { host: services.redis.host, port: services.redis.port } });
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    await apps?.stop();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(`apps' output:\n${apps?.output() ?? '(not started)'}`);
    });
  });

  it(`keeps no token and no cookie value in ${kind}, Redis, Datastore or the logs`, async () => {
    const q = queue!;
    const log = new SetCookieLog();
    // Paused, the worker takes no job: every event stays in Redis for the search.
    await q.pause();
    const canary = newToken();
    await plantCanary(canary, {
      cache: apps!.cache,
      cachePrefix: apps!.cacheKeyPrefix,
      queueName: q.name,
      store: apps!.datastore,
    });
    const sessions = (
      await Promise.all(['ada', 'bob', 'cyd', 'dee'].map((user, i) => driveUser(apps!.web.url, user, log, i % 2 === 0)))
    ).flat();
    await driveForm(apps!.web.url, log);
    const redis = queueItems(q.name);
    await q.resume();

    const keys = [...new Set(sessions.map((s) => s.id).filter((id) => id !== ''))];
    await eventually(
      async () => {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((count) => count === 0) ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the worker to drain the queue' },
    );
    const store = apps!.datastore;
    const datastore = await eventually(
      async () => {
        const items = await datastoreItems(store);
        const text = items.map((item) => item.where).join('\n');
        return keys.every((key) => text.includes(`Session/${key}`)) ? items : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'Datastore to hold every session' },
    );
    const cache = await cacheItems(apps!.cache, apps!.cacheKeyPrefix);
    const logs: Stored[] = [
      { where: 'web log', bytes: Buffer.from(apps!.web.output()) },
      { where: 'worker log', bytes: Buffer.from(apps!.worker.output()) },
    ];

    // The search looks at the right data: the session keys (hashes of the tokens) are all there.
    const holds = (items: readonly Stored[], text: string) =>
      items.flatMap(decoded).some((item) => item.bytes.includes(text));
    for (const key of keys) {
      expect(holds(datastore, key), `Datastore holds ${key}`).toBe(true);
      expect(holds(redis, key), `Redis holds ${key}`).toBe(true);
    }
    expect(
      redis.some((item) => item.bytes.toString('latin1').includes('gz:')),
      'a gzipped job payload',
    ).toBe(true);
    expect(
      datastore.some((item) => item.where.includes('SessionEvent/')),
      'the event log',
    ).toBe(true);
    expect(cache.length).toBeGreaterThan(0);
    expect(keys.some((key) => holds(cache, key))).toBe(true);
    for (const item of logs) expect(item.bytes.length).toBeLessThan(MAX_COMPLETE_LOG);

    const values = [...new Set(log.values)];
    const tokens = [...new Set([...values.map((value) => value.slice(0, 43)), ...sessions.map((s) => s.token)])];
    const needles: Needle[] = [
      ...tokens.map((token) => tokenNeedle(`token ${token}`, token)),
      ...values.map((value) => textNeedle(`cookie value ${value}`, value)),
      ...values
        .map((value) => /^[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]{43})/.exec(value)?.[1])
        .filter((signature) => signature !== undefined)
        .map((signature) => textNeedle(`signature ${signature}`, signature)),
    ];
    const haystack = [...cache, ...redis, ...datastore, ...logs];
    // The search finds a token wherever it hides: the canary in each store.
    expect(findNeedles(haystack, [tokenNeedle('canary', canary)])).toEqual([
      expect.stringMatching(
        kind === 'memcached' ? /^canary in memcached .*canary$/ : /^canary in valkey hash .*canary$/,
      ),
      expect.stringMatching(/^canary in redis hash .*:canary \(gz: payload\) \(gunzipped\)$/),
      expect.stringMatching(/^canary in datastore Canary\/c\.blob \(gunzipped\)$/),
    ]);
    console.log(
      `[hostile at rest] ${tokens.length} tokens and ${values.length} cookie values (${needles.length} needles) searched in`,
      `${cache.length} cache items, ${redis.length} Redis values, ${datastore.length} Datastore values, 2 logs`,
    );
    // Per user: the login and the regenerated token, and the planted one; plus the form login.
    expect(tokens.length).toBe(13);
    expect(findNeedles(haystack, needles)).toEqual([]);
  });
});
