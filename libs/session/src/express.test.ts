import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionMiddleware, type SessionRequest } from './express.js';
import { SessionManager } from './http.js';
import { closeServers, listen, RecordingStore, requester } from './session.fixture.js';

// Express itself cannot be loaded under this repo's vitest config (it runs Node with
// `--conditions import`, so Express 5's router gets is-promise's ESM build from require()). The
// middleware is connect-style, so a plain node:http chain exercises exactly what Express would call.

type Request = IncomingMessage & SessionRequest;

afterEach(closeServers);

async function start(useManager = false) {
  const store = new RecordingStore();
  const options = { store, cookie: { allowHttp: true } };
  const middleware = sessionMiddleware(useManager ? new SessionManager(options) : options);
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const routes: Record<string, (req: Request, res: ServerResponse) => Promise<void> | void> = {
    '/login': (req, res) => {
      req.createSession({ constants: { user: 'ann' } });
      json(res, 200, { ok: true });
    },
    '/me': (req, res) => {
      const session = req.session;
      if (session === undefined) json(res, 401, { error: 'no session' });
      else json(res, 200, { user: session.constant('user'), hits: session.increment('hits') });
    },
    '/save': async (req, res) => {
      req.session?.set('saved', true);
      await req.saveSession();
      const stored = await store.load(req.session?.key ?? '');
      json(res, 200, { stored: stored?.attrs ?? null });
    },
  };
  const server = createServer((req, res) => {
    middleware(req, res, (error?: unknown) => {
      if (error !== undefined) {
        json(res, 500, { handled: error instanceof Error ? error.message : 'unknown' });
        return;
      }
      void routes[req.url ?? '']?.(req as Request, res);
    });
  });
  return { store, call: requester(await listen(server)) };
}

describe('sessionMiddleware', () => {
  it('adds req.session, req.createSession and req.saveSession', async () => {
    const { store, call } = await start();
    const anonymous = await call('/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.getSetCookie()).toEqual([]);

    const login = await call('/login');
    expect(login.status).toBe(200);
    const [setCookie] = login.headers.getSetCookie();
    expect(setCookie).toMatch(/^sessid=[A-Za-z0-9_-]{43}~1; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
    const cookie = setCookie!.split(';')[0]!;

    for (const hits of [1, 2]) {
      const me = await call('/me', cookie);
      expect(await me.json()).toEqual({ user: 'ann', hits });
    }
    const writes = store.writes.length;
    const saved = await call('/save', cookie);
    expect(await saved.json()).toEqual({ stored: { hits: 2, saved: true } });
    // saveSession wrote once; the end of the response found nothing left to write.
    expect(store.writes).toHaveLength(writes + 1);
  });

  it('accepts a ready SessionManager', async () => {
    const { call } = await start(true);
    const cookie = (await call('/login')).headers.getSetCookie()[0]!.split(';')[0]!;
    expect(await (await call('/me', cookie)).json()).toEqual({ user: 'ann', hits: 1 });
  });

  it('passes a failed load to next(error)', async () => {
    const { store, call } = await start();
    const cookie = (await call('/login')).headers.getSetCookie()[0]!.split(';')[0]!;
    store.failLoads = new Error('load failed');
    const response = await call('/me', cookie);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ handled: 'load failed' });
  });
});
