import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { newToken, SessionGoneError, sessionKey } from '@gaesession/core';
import { SessionManager, type RequestSession, type SessionManagerOptions } from './http.js';
import { closeServers, listen, RecordingStore, requester } from './session.fixture.js';

type Handler = (req: IncomingMessage, res: ServerResponse, context: RequestSession) => void | Promise<void>;

afterEach(closeServers);

/** A real node:http server on 127.0.0.1 whose every request gets `handler` after attach(). */
async function serve(handler: Handler, options: Partial<SessionManagerOptions> = {}) {
  const store = new RecordingStore({ writeDelayMs: 1 });
  const manager = new SessionManager({ store, ...options });
  const server = createServer((req, res) => {
    void manager.attach(req, res).then((context) => handler(req, res, context));
  });
  return { store, request: requester(await listen(server)) };
}

/** The Set-Cookie values of a response. */
function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

/** The token inside a `name=token[.signature][~version]` cookie. */
function tokenIn(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf('=') + 44);
}

/** The `name=value` a browser would send back for the one Set-Cookie of `response`. */
function cookieFrom(response: Response): string {
  const cookies = setCookies(response);
  expect(cookies).toHaveLength(1);
  return cookies[0]!.split(';')[0]!;
}

/** Routes used by most tests. */
const app: Handler = async (req, res, context) => {
  const session = context.session;
  switch (req.url) {
    case '/login':
      context.create({ constants: { user: 'u1' } }).set('visits', 0);
      break;
    case '/visit':
      session?.increment('visits');
      break;
    case '/regenerate':
      session?.regenerate();
      break;
    case '/logout':
      session?.destroy();
      break;
    case '/login-and-save':
      context.create().set('visits', 0);
      await context.commit();
      break;
    case '/regenerate-and-save':
      session?.regenerate();
      await context.commit();
      break;
    case '/save-twice':
      session?.increment('visits');
      void context.commit();
      break;
    case '/save-then-more':
      session?.increment('visits');
      await context.commit();
      session?.increment('visits');
      break;
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ session: context.session?.toJSON() ?? null }));
};

async function body(
  response: Response,
): Promise<{ session: { key: string; version: number; constants: object; attrs: Record<string, unknown> } | null }> {
  return (await response.json()) as never;
}

describe('SessionManager over node:http', () => {
  it('gives a request without a cookie no session, no Set-Cookie and no store write', async () => {
    const { store, request } = await serve(app);
    const response = await request('/');
    expect(response.status).toBe(200);
    expect((await body(response)).session).toBeNull();
    expect(setCookies(response)).toEqual([]);
    expect(store.writes).toEqual([]);
  });

  it('sets a secure cookie for a new session, and the next request reads its writes', async () => {
    const { store, request } = await serve(app);
    const login = await request('/login');
    const [setCookie] = setCookies(login);
    expect(setCookie).toMatch(/^sessid=[A-Za-z0-9_-]{43}~1; /);
    expect(setCookie!.split('; ').slice(1).sort()).toEqual(
      ['HttpOnly', 'Max-Age=2592000', 'Path=/', 'SameSite=Lax', 'Secure'].sort(),
    );
    const cookie = cookieFrom(login);
    const token = tokenIn(cookie);
    const key = sessionKey(token);
    // Saved before the response went out: the store has it the moment the client has the answer.
    expect(await store.load(key)).toMatchObject({ version: 1, constants: { user: 'u1' }, attrs: { visits: 0 } });
    expect(JSON.stringify(store.writes)).not.toContain(token);

    for (const expected of [1, 2, 3]) {
      const visit = await request('/visit', cookie);
      expect((await body(visit)).session?.attrs.visits).toBe(expected);
      expect((await store.load(key))?.attrs.visits).toBe(expected);
      // Each write re-sends the cookie with the version the client now holds (a read-your-writes hint).
      expect(setCookies(visit)[0]).toMatch(new RegExp(`^sessid=${token}~${expected + 1}; `));
    }
  });

  it('does not rewrite an unchanged session', async () => {
    const { store, request } = await serve(app);
    const cookie = cookieFrom(await request('/login'));
    const writes = store.writes.length;
    for (let i = 0; i < 3; i++) {
      const response = await request('/', cookie);
      expect((await body(response)).session?.attrs).toEqual({ visits: 0 });
      expect(setCookies(response)).toEqual([]);
    }
    expect(store.writes.length).toBe(writes);
  });

  it('clears a stale cookie whose session is gone', async () => {
    const { request } = await serve(app);
    const response = await request('/', `sessid=${newToken()}`);
    expect((await body(response)).session).toBeNull();
    expect(setCookies(response)).toEqual([expect.stringMatching(/^sessid=; .*Max-Age=0/)]);
    // A malformed cookie is simply no session: nothing to clear.
    const malformed = await request('/', 'sessid=not-a-token');
    expect((await body(malformed)).session).toBeNull();
    expect(setCookies(malformed)).toEqual([]);
  });

  it('clears the cookie on destroy, and the old cookie no longer works', async () => {
    const { store, request } = await serve(app);
    const cookie = cookieFrom(await request('/login'));
    const logout = await request('/logout', cookie);
    expect(logout.status).toBe(200);
    expect(setCookies(logout)).toEqual([expect.stringMatching(/^sessid=; .*Max-Age=0/)]);
    expect(store.destroys).toHaveLength(1);
    const after = await request('/visit', cookie);
    expect((await body(after)).session).toBeNull();
    expect(setCookies(after)[0]).toMatch(/Max-Age=0/);
  });

  it('regenerate sets a new cookie, keeps the data and kills the old token', async () => {
    const { request } = await serve(app);
    const oldCookie = cookieFrom(await request('/login'));
    await request('/visit', oldCookie);
    const regenerated = await request('/regenerate', oldCookie);
    const newCookie = cookieFrom(regenerated);
    expect(newCookie).not.toBe(oldCookie);
    expect((await body(regenerated)).session?.key).toBe(sessionKey(tokenIn(newCookie)));
    const visit = await request('/visit', newCookie);
    expect((await body(visit)).session?.attrs.visits).toBe(2);
    expect((await body(await request('/', oldCookie))).session).toBeNull();
  });

  it('still sends the new cookie when the app saved before responding', async () => {
    const { request } = await serve(app);
    const login = await request('/login-and-save');
    const cookie = cookieFrom(login);
    expect((await body(await request('/visit', cookie))).session?.attrs.visits).toBe(1);
    const regenerated = await request('/regenerate-and-save', cookie);
    const newCookie = cookieFrom(regenerated);
    expect(newCookie).not.toBe(cookie);
    expect((await body(await request('/visit', newCookie))).session?.attrs.visits).toBe(2);
    expect((await body(await request('/', cookie))).session).toBeNull();
  });

  it('replaces a session on a second login, destroying the old one', async () => {
    const { request } = await serve(app);
    const first = cookieFrom(await request('/login'));
    const second = cookieFrom(await request('/login', first));
    expect(second).not.toBe(first);
    expect((await body(await request('/', first))).session).toBeNull();
    expect((await body(await request('/', second))).session).toEqual({
      key: sessionKey(tokenIn(second)),
      version: 1,
      constants: { user: 'u1' },
      attrs: { visits: 0 },
    });
    expect(sessionKey(tokenIn(second))).not.toBe(sessionKey(tokenIn(first)));
  });

  it('never applies an op twice when commit runs again, or concurrently with the response', async () => {
    const { store, request } = await serve(app);
    const cookie = cookieFrom(await request('/login'));
    const key = sessionKey(tokenIn(cookie));
    await request('/save-twice', cookie);
    expect((await store.load(key))?.attrs.visits).toBe(1);
    await request('/save-then-more', cookie);
    expect((await store.load(key))?.attrs.visits).toBe(3);
  });

  it('never stores a change whose save failed, even when the response ends after the failure', async () => {
    const { store, request } = await serve(async (_req, res, context) => {
      const session = context.session;
      if (session === undefined) {
        context.create();
        res.end('created');
        return;
      }
      session.increment('n');
      store.failWith = new Error('cache down for a moment');
      const saved = await context.commit().then(
        () => true,
        () => false,
      );
      store.failWith = undefined; // the store is back before the app answers
      res.statusCode = saved ? 200 : 503;
      res.end(saved ? 'saved' : 'not saved');
    });
    const cookie = cookieFrom(await request('/'));
    const key = sessionKey(tokenIn(cookie));
    const writesBefore = store.writes.length;
    const response = await request('/', cookie);
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(store.writes.length).toBe(writesBefore);
    expect((await store.load(key))?.attrs.n).toBeUndefined();
  });

  it('answers a failed save with a non-2xx JSON error, replacing the app’s headers', async () => {
    const { store, request } = await serve((_req, res, context) => {
      context.create().set('a', 1);
      res.setHeader('Content-Length', '2');
      res.setHeader('X-App', 'yes');
      res.end('ok');
    });
    store.failWith = new Error('store down');
    const response = await request('/');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-app')).toBeNull();
    expect(setCookies(response)).toEqual([]);
    expect(await response.json()).toEqual({
      error: { code: 'INTERNAL', message: 'the session could not be saved' },
    });
  });

  it('maps a SessionError to its status and code', async () => {
    const { store, request } = await serve(app);
    const cookie = cookieFrom(await request('/login'));
    store.failWith = new SessionGoneError('k');
    const response = await request('/visit', cookie);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SESSION_GONE');
  });

  it('destroys the socket when the app sent writeHead and then the save fails: no success', async () => {
    const { store, request } = await serve((_req, res, context) => {
      context.create().set('a', 1);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('saved!');
    });
    store.failWith = new Error('store down');
    await expect(request('/')).rejects.toThrow();
    store.failWith = undefined;
    expect((await request('/')).status).toBe(200);
  });

  it('uses the configured timeout and cookie options', async () => {
    const { store, request } = await serve(app, {
      timeout: 5_000,
      cookie: { name: 'sid', allowHttp: true, secrets: ['0123456789abcdef0123'] },
    });
    const login = await request('/login');
    const cookie = cookieFrom(login);
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}~1$/);
    expect(setCookies(login)[0]).not.toMatch(/Secure/);
    const key = sessionKey(cookie.slice('sid='.length, 'sid='.length + 43));
    expect((await store.load(key))?.timeout).toBe(5_000);
    expect((await body(await request('/', cookie))).session).toEqual({
      key,
      version: 1,
      constants: { user: 'u1' },
      attrs: { visits: 0 },
    });
    const truncated = cookie.slice(0, cookie.indexOf('~') - 2);
    expect((await body(await request('/', truncated))).session).toBeNull();
  });

  it('lets a custom onError answer', async () => {
    const { store, request } = await serve(
      (_req, res, context) => {
        context.create().set('a', 1);
        res.end('ok');
      },
      {
        onError: (_error, _req, res) => {
          res.statusCode = 503;
          res.end('try later');
        },
      },
    );
    store.failWith = new Error('down');
    const response = await request('/');
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('try later');
  });
});
