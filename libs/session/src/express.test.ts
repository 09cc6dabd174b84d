import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionMiddleware, type SessionRequest } from './express.js';
import { SessionManager } from './http.js';
import { MemoryStore } from './memory-store.js';
import type { SessionRecord } from './record.js';
import type { SessionStore, SessionWrite, WriteResult } from './store.js';

// Express itself cannot be loaded under this repo's vitest config (it runs Node with
// `--conditions import`, so Express 5's router gets is-promise's ESM build from require()). The
// middleware is connect-style, so a plain node:http chain exercises exactly what Express would call.

class CountingStore implements SessionStore {
  readonly inner = new MemoryStore();
  writes = 0;
  failLoads = false;

  load(key: string): Promise<SessionRecord | undefined> {
    return this.failLoads ? Promise.reject(new Error('load failed')) : this.inner.load(key);
  }
  write(write: SessionWrite): Promise<WriteResult> {
    this.writes++;
    return this.inner.write(write);
  }
  destroy(key: string, baseVersion?: number): Promise<WriteResult> {
    return this.inner.destroy(key, baseVersion);
  }
}

type Request = IncomingMessage & SessionRequest;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(useManager = false) {
  const store = new CountingStore();
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (path: string, cookie?: string) =>
    fetch(url + path, cookie === undefined ? {} : { headers: { cookie } });
  return { store, call };
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
    const writes = store.writes;
    const saved = await call('/save', cookie);
    expect(await saved.json()).toEqual({ stored: { hits: 2, saved: true } });
    // saveSession wrote once; the end of the response found nothing left to write.
    expect(store.writes).toBe(writes + 1);
  });

  it('accepts a ready SessionManager', async () => {
    const { call } = await start(true);
    const cookie = (await call('/login')).headers.getSetCookie()[0]!.split(';')[0]!;
    expect(await (await call('/me', cookie)).json()).toEqual({ user: 'ann', hits: 1 });
  });

  it('passes a failed load to next(error)', async () => {
    const { store, call } = await start();
    const cookie = (await call('/login')).headers.getSetCookie()[0]!.split(';')[0]!;
    store.failLoads = true;
    const response = await call('/me', cookie);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ handled: 'load failed' });
  });
});
