// Hostile cookies and session fixation against the real demo app, unsigned and signed (COOKIE_SECRETS):
// every input yields "no session" or exactly the right session, quickly; never a 5xx, never
// someone else's session, never a session the server did not issue.
import { newToken, sessionKey } from '@gaesession/core';
import { eventually } from '@gaesession/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApps } from '../testing/apps.fixture.js';
import { CACHE_KINDS, sharedCache } from '../testing/cache-choice.fixture.js';
import { rawRequest } from './raw-http.fixture.js';
import { apiCases } from './api-cases.fixture.js';
import { deleteCacheItem } from './cache-at-rest.fixture.js';
import { cookieCases, type CookieCase, type CookieContext } from './cookie-cases.fixture.js';
import { cookieSecret, countBy, mapConcurrently, startBuiltApps } from './suite.fixture.js';
import {
  act,
  call,
  COOKIE_NAME,
  issuedValue,
  login,
  type Answer,
  type Issued,
  type SessionView,
} from './web.fixture.js';

/**
 * A clear answer does not wait on Datastore. The one wait an input can cause is the store's
 * catch-up wait (STORE_DEFAULTS.catchUpTimeoutMs, 5 s in the apps), which a cookie with a
 * version hint above what Datastore holds triggers, and which ends in 503 SESSION_UNAVAILABLE:
 * `problem` refuses that answer except where waiting is right. An answer that took as long as
 * that wait waited for Datastore all the same. Anything shorter is the machine's load, not the
 * input: answers take milliseconds on an idle machine, seconds on a busy one.
 */
const PROMPT_MS = 5000;

// Every case on each cache: a forged or unknown token is a cache miss first, then a Datastore read.
for (const [kind, signed] of CACHE_KINDS.flatMap((kind) => [false, true].map((signed) => [kind, signed] as const))) {
  describe(`hostile cookies, ${signed ? 'signed' : 'unsigned'} (demo app, sessions in ${kind})`, () => {
    let apps: RunningApps | undefined;
    let ctx: CookieContext;
    const web = () => apps?.web.url ?? '';
    /** Token of each live session by id, to check any Set-Cookie an answer carries. */
    const tokens = new Map<string, string>();

    beforeAll(async () => {
      apps = await startBuiltApps({
        label: `hostile-${signed ? 'signed' : 'unsigned'}-${kind}`,
        services: { cache: sharedCache(kind) },
        env: signed ? { COOKIE_SECRETS: cookieSecret() } : {},
      });
      let victim = await login(web(), 'victim');
      victim = (await act(web(), victim, 'PUT', '/api/attrs/a', { body: { value: 1 } })).session;
      // Version 12: a two-digit hint that truncation can shorten.
      for (let i = 0; i < 10; i++) victim = (await act(web(), victim, 'POST', '/api/incr/n', { body: {} })).session;
      const view = (await call(web(), 'GET', '/api/session', { cookie: victim.pair })).json as SessionView;
      expect(view.version).toBe(12);
      const other = await login(web(), 'other');
      const loggedOut = await login(web(), 'leaver');
      await act(web(), loggedOut, 'POST', '/api/logout');
      const before = await login(web(), 'regenerator');
      const after = (await act(web(), before, 'POST', '/api/regenerate')).session;
      const purged = await login(web(), 'returning');
      await purge(apps, purged);
      ctx = { signed, victim, victimVersion: view.version, other, loggedOut, purged, regenerated: { before, after } };
      for (const session of [victim, other, after]) tokens.set(session.id, session.token);
    }, 120_000);

    afterAll(async () => {
      await apps?.stop();
    });

    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        console.error(`apps' output:\n${apps?.output() ?? '(not started)'}`);
      });
    });

    /** What is wrong with `answer` to `c`, or undefined when it is one of the allowed answers. */
    function problem(c: CookieCase, answer: Answer): string | undefined {
      const view = answer.json as Partial<SessionView> & { error?: { code?: string } };
      if (c.expected.kind === 'own-or-wait' && answer.status === 503) {
        return view.error?.code === 'SESSION_UNAVAILABLE' ? undefined : `answered 503 ${answer.body.slice(0, 200)}`;
      }
      if (answer.status >= 500) return `answered ${answer.status} ${answer.body.slice(0, 200)}`;
      if (answer.ms > PROMPT_MS) return `took ${Math.round(answer.ms)} ms`;
      if (c.parserMayRefuse === true && (answer.status === 400 || answer.status === 431)) return undefined;
      for (const value of answer.setCookies.map((line) => line.split(';')[0] ?? '')) {
        const [name = '', cookie = ''] = value.split(/=(.*)/s);
        const expectedToken = c.expected.kind === 'none' ? undefined : tokens.get(c.expected.id);
        if (name === COOKIE_NAME && cookie !== '' && cookie.slice(0, 43) !== expectedToken) {
          return `set a session cookie it should not: ${value}`;
        }
      }
      if (c.expected.kind === 'none') {
        return answer.status === 401 && view.error?.code === 'NO_SESSION'
          ? undefined
          : `expected 401 NO_SESSION, got ${answer.status} ${answer.body.slice(0, 200)}`;
      }
      return answer.status === 200 && view.id === c.expected.id
        ? undefined
        : `expected session ${c.expected.id}, got ${answer.status} ${answer.body.slice(0, 200)}`;
    }

    it('answers every hostile Cookie header with no session or the right one, at once', async () => {
      const cases = cookieCases(ctx);
      const victimBefore = (await call(web(), 'GET', '/api/session', { cookie: ctx.victim.pair })).json as SessionView;
      const answers = await mapConcurrently(cases, 8, (c) => call(web(), 'GET', '/api/session', { cookie: c.cookies }));
      const failures = cases.flatMap((c, i) => {
        const found = problem(c, answers[i]!);
        return found === undefined ? [] : [`[${c.target}] ${c.name}: ${found}`];
      });
      console.log(
        `[hostile cookies ${signed ? 'signed' : 'unsigned'}] ${cases.length} inputs`,
        JSON.stringify(countBy(cases, (c) => c.target)),
        `parser refusals: ${answers.filter((a) => a.status === 400 || a.status === 431).length}`,
        `slowest: ${Math.round(Math.max(...answers.map((a) => a.ms)))} ms`,
      );
      expect(failures).toEqual([]);
      // Nothing the inputs did changed the victim's session.
      const victimAfter = (await call(web(), 'GET', '/api/session', { cookie: ctx.victim.pair })).json as SessionView;
      expect(victimAfter).toEqual(victimBefore);
    });

    it('tells a browser whose session was purged "no session" at once and clears its cookie', async () => {
      for (const path of ['/api/session', '/']) {
        const answer = await call(web(), 'GET', path, { cookie: ctx.purged.pair });
        expect(answer.status).toBe(path === '/' ? 200 : 401);
        expect(answer.ms).toBeLessThan(PROMPT_MS);
        expect(issuedValue(answer)).toBe('');
      }
    });

    it('serves the login page and refuses writes for forged, stale and replayed cookies', async () => {
      const bad = [
        newToken(),
        `${newToken()}~3`,
        ctx.loggedOut.value,
        ctx.regenerated.before.value,
        ctx.victim.value.slice(0, 42),
        `${ctx.victim.token}.${newToken()}`,
      ].map((value) => `${COOKIE_NAME}=${value}`);
      const routes: [string, string, unknown][] = [
        ['PUT', '/api/attrs/a', { value: 2 }],
        ['DELETE', '/api/attrs/a', undefined],
        ['POST', '/api/incr/n', {}],
        ['POST', '/api/regenerate', undefined],
        ['POST', '/api/logout', undefined],
        ['GET', '/api/durability', undefined],
      ];
      const failures: string[] = [];
      await mapConcurrently(bad, 3, async (cookie) => {
        const page = await call(web(), 'GET', '/', { cookie });
        if (page.status !== 200 || !page.body.includes('name="password"') || page.ms > PROMPT_MS) {
          failures.push(`GET / with ${cookie}: ${page.status} after ${Math.round(page.ms)} ms`);
        }
        for (const [method, path, body] of routes) {
          const answer = await call(web(), method, path, { cookie, ...(body === undefined ? {} : { body }) });
          const created = issuedValue(answer);
          if (answer.status !== 401 || (created !== undefined && created !== '') || answer.ms > PROMPT_MS) {
            failures.push(`${method} ${path} with ${cookie}: ${answer.status} after ${Math.round(answer.ms)} ms`);
          }
        }
      });
      expect(failures).toEqual([]);
      const victim = (await call(web(), 'GET', '/api/session', { cookie: ctx.victim.pair })).json as SessionView;
      expect(victim.attrs).toEqual({ a: 1, n: 10 });
    });

    it('answers hostile JSON bodies, names and encodings with a clear 4xx, never a 5xx, and keeps the session', async () => {
      const session = await login(web(), 'bodies');
      const cases = apiCases();
      const failures: string[] = [];
      // One at a time: later cases read attributes earlier ones set.
      for (const c of cases) {
        const answer = await rawRequest(web(), {
          method: c.method,
          path: c.path,
          headers: [['Cookie', session.pair], ...(c.headers ?? [['Content-Type', 'application/json']])],
          ...(c.body === undefined ? {} : { body: c.body }),
        });
        const code = (() => {
          try {
            return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
          } catch {
            return undefined;
          }
        })();
        if (answer.status !== c.status || (c.code !== undefined && code !== c.code)) {
          failures.push(
            `${c.name}: expected ${c.status} ${c.code ?? ''}, got ${answer.status} ${answer.body.slice(0, 160)}`,
          );
        }
      }
      console.log(`[hostile api ${signed ? 'signed' : 'unsigned'}] ${cases.length} inputs`);
      expect(failures).toEqual([]);
      const after = await call(web(), 'GET', '/api/session', { cookie: session.pair });
      expect(after.status).toBe(200);
      const attrs = (after.json as SessionView).attrs;
      expect(Object.keys(attrs).sort()).toEqual(['\u0000', '__proto__', 'n', 'n'.repeat(8000), 'v'].sort());
      expect(attrs.n).toBe(0);
    });

    describe('session fixation', () => {
      /** Logs in with `planted` in the jar; the session it gets must be new, and `planted` must give nothing. */
      async function loginOver(planted: string, plantedToken: string): Promise<Issued> {
        const fresh = await login(web(), 'target', { cookie: `${COOKIE_NAME}=${planted}` });
        expect(fresh.token).not.toBe(plantedToken);
        expect(fresh.id).not.toBe(sessionKey(plantedToken));
        const mine = await call(web(), 'GET', '/api/session', { cookie: fresh.pair });
        expect(mine.status).toBe(200);
        expect((mine.json as SessionView).user).toBe('target');
        const theirs = await call(web(), 'GET', '/api/session', { cookie: `${COOKIE_NAME}=${planted}` });
        expect(theirs.status).toBe(401);
        return fresh;
      }

      it('never adopts a token it did not issue, with or without a version hint or signature', async () => {
        for (const suffix of ['', '~1', '~3', `.${newToken()}`, `.${newToken()}~2`]) {
          const planted = newToken();
          await loginOver(planted + suffix, planted);
        }
      });

      it('replaces (and kills) the attacker’s own live session planted in the victim’s jar', async () => {
        const attacker = await login(web(), 'attacker');
        await loginOver(attacker.value, attacker.token);
        // The HTML form login does the same.
        const again = await login(web(), 'attacker');
        const withForm = await formLogin(web(), again.pair);
        expect(withForm.slice(0, 43)).not.toBe(again.token);
        expect((await call(web(), 'GET', '/api/session', { cookie: again.pair })).status).toBe(401);
      });
    });
  });
}

/**
 * What expiry and the purge leave of a session: nothing. Waits until the worker has written it to
 * Datastore, then deletes the entity and the cache item.
 */
async function purge(apps: RunningApps, session: Issued): Promise<void> {
  const { datastore, namespace } = apps.datastore;
  const key = datastore.key({ namespace, path: ['Session', session.id] });
  await eventually(async () => ((await datastore.get(key))[0] === undefined ? undefined : true), {
    timeoutMs: 20_000,
    intervalMs: 100,
    what: `session ${session.id} in Datastore`,
  });
  await datastore.delete(key);
  await deleteCacheItem(apps.cache, apps.cacheKeyPrefix + session.id);
}

/** POST /login (the HTML form) as "target" with `cookie`; returns the session cookie value it set. */
async function formLogin(baseUrl: string, cookie: string): Promise<string> {
  const answer = await rawRequest(baseUrl, {
    method: 'POST',
    path: '/login',
    headers: [
      ['Cookie', cookie],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ],
    body: 'user=target&password=a',
  });
  expect(answer.status).toBe(303);
  const value = answer.setCookies
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${COOKIE_NAME}=`) && pair.length > COOKIE_NAME.length + 1);
  expect(value).toBeDefined();
  return (value ?? '').slice(COOKIE_NAME.length + 1);
}
