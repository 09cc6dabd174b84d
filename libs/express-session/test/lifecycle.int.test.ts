// express-session's lifecycle on GaeSessionStore, on both caches: a logout stays a logout even
// when a slower request saves the session afterwards; regenerate, rolling, maxAge and
// cookie.expires behave as express-session documents them; the cookie round-trips.
import { sessionKey } from '@gaesession/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaeSessionStore, type GaeSessionStoreOptions } from '../src/index.js';
import { Client, startApp, type AppOptions, type TestApp } from './app.fixture.js';
import { CACHES, startStack, type Stack } from './stack.fixture.js';

describe.each(CACHES)('express-session + GaeSessionStore on %s', (cache) => {
  let stack: Stack;
  const opened: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    stack = await startStack('es-lifecycle', cache);
  });

  afterAll(async () => {
    for (const one of opened.reverse()) await one.close();
    await stack.close();
  });

  async function app(appOptions: AppOptions = {}, storeOptions: GaeSessionStoreOptions = {}): Promise<TestApp> {
    const store = new GaeSessionStore({ config: stack.config, ...storeOptions });
    opened.push(store);
    const started = await startApp(store, appOptions);
    opened.push(started);
    return started;
  }

  async function loggedIn(on: TestApp, path = '/login'): Promise<Client> {
    const client = new Client(on.url);
    expect((await client.call(path)).status).toBe(201);
    return client;
  }

  it.each(['error', 'ignore'] as const)(
    'a save after the logout does not bring the session back (onSaveAfterDestroy: %s)',
    async (onSaveAfterDestroy) => {
      const on = await app({}, { onSaveAfterDestroy });
      const client = await loggedIn(on);
      const late = new Client(on.url);
      late.cookie = client.cookie;
      // The slow request loads the session, then waits while the same user logs out.
      const slow = late.call('/slow/late').catch((error: unknown) => error);
      await sleep(200);
      expect((await client.call('/logout')).status).toBe(200);
      on.release();
      const answer = await slow;
      // express-session writes the response while the store saves; a failed save can only cut it.
      if (onSaveAfterDestroy === 'ignore') expect(answer).toMatchObject({ status: 200 });
      expect((await late.call('/session', 'GET')).status).toBe(401);
      await stack.drain();
      expect(await stack.repository.inspect(sessionKey(late.sid))).toMatchObject({ state: 'destroyed' });
    },
  );

  it('regenerate: a new id, the old one dead, the data the handler sets again', async () => {
    const on = await app();
    const client = await loggedIn(on);
    await client.call('/set/theme?v=dark');
    const old = new Client(on.url);
    old.cookie = client.cookie;
    expect((await client.call('/regenerate')).status).toBe(200);
    expect(client.sid).not.toBe(old.sid);
    expect((await old.call('/session', 'GET')).status).toBe(401);
    const { body } = await client.call('/session', 'GET');
    // As documented: regenerate starts an empty session; the handler copied the user back.
    expect(body.attrs).toEqual({ user: 'ada' });
    await stack.drain();
    expect(await stack.repository.inspect(sessionKey(old.sid))).toMatchObject({ state: 'destroyed' });
    expect((await stack.repository.load(sessionKey(client.sid)))?.attrs).toMatchObject({ user: 'ada' });
  });

  it('the cookie round-trips: originalMaxAge and expires come back as saved', async () => {
    const on = await app({ cookie: { maxAge: 60_000 } });
    const client = await loggedIn(on);
    const stored = await stack.repository.load(sessionKey(client.sid));
    const cookie = stored?.attrs.cookie as { originalMaxAge: number; expires: string };
    expect(cookie.originalMaxAge).toBe(60_000);
    const { body } = await client.call('/session', 'GET');
    expect(body.cookie).toMatchObject({ originalMaxAge: expect.closeTo(60_000, -2) as number });
    const expires = Date.parse((body.cookie as { expires: string }).expires);
    expect(Math.abs(expires - (Date.now() + 60_000))).toBeLessThan(2000);
    // The store keeps the session at least as long as the cookie: maxAge / (1 - touchAfter).
    expect(stored?.timeout).toBe(80_000);
  });

  it('maxAge: the cookie says Expires, and an idle session expires with it', async () => {
    const on = await app({ cookie: { maxAge: 1500 } });
    const client = await loggedIn(on);
    const { setCookie } = await client.call('/set/x?v=1');
    expect(setCookie).toMatch(/Expires=/);
    expect((await client.call('/session', 'GET')).status).toBe(200);
    await sleep(2600);
    expect((await client.call('/session', 'GET')).status).toBe(401);
  });

  it('cookie.expires set by a handler: Expires on the cookie, and the session ends with it', async () => {
    const on = await app();
    const client = new Client(on.url);
    const login = await client.call('/login?expiresIn=1500');
    const expires = Date.parse(/Expires=([^;]+)/.exec(login.setCookie ?? '')?.[1] ?? '');
    expect(Math.abs(expires - (Date.now() + 1500))).toBeLessThan(2000);
    expect((await client.call('/session', 'GET')).status).toBe(200);
    await sleep(2600);
    expect((await client.call('/session', 'GET')).status).toBe(401);
  });

  it('rolling: every response sets the cookie, and activity keeps a short session alive', async () => {
    const rolling = await app({ rolling: true, cookie: { maxAge: 1500 } });
    const client = await loggedIn(rolling);
    for (let i = 0; i < 6; i++) {
      await sleep(500);
      const read = await client.call('/session', 'GET');
      expect(read.status).toBe(200);
      expect(read.setCookie).toMatch(/Expires=/);
    }
    const plain = await app({ cookie: { maxAge: 1500 } });
    const other = await loggedIn(plain);
    expect((await other.call('/session', 'GET')).setCookie).toBeUndefined();
  });

  it('a browser-session cookie (no maxAge) gets the configured idle timeout', async () => {
    const on = await app();
    const client = await loggedIn(on);
    const stored = await stack.repository.load(sessionKey(client.sid));
    expect(stored?.timeout).toBe(stack.config.session.timeoutMs);
    expect(stored?.attrs.cookie).toMatchObject({ originalMaxAge: null });
  });
});
