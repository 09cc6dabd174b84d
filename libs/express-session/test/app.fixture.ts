// One Express app with express-session over any store, for comparing stores: same routes, same
// settings, so the store is the only difference. Plus a cookie-keeping client.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import session, { type CookieOptions, type SessionOptions, type Store } from 'express-session';

/** Shared by every app: a 16+ character secret, cookies over http:// (tests only). */
export const SECRET = 'an express-session secret for tests';

export interface TestApp {
  readonly url: string;
  /** Lets the request waiting on `/slow` go on. */
  release(): void;
  close(): Promise<void>;
}

type Data = Record<string, unknown>;

/**
 * Routes: `POST /login` (user, views = 0; `?maxAge=ms` or `?expiresIn=ms` set the cookie's life),
 * `POST /set/:name` (value `?v=`), `POST /incr/:name`, `GET /session`, `POST /logout`,
 * `POST /regenerate` (keeps the user, as an app's login does), and `POST /slow/:name`: loads the
 * session, waits for `release()`, then sets the attribute (a save that arrives late).
 */
/** express-session's options, the cookie's as an object. */
export type AppOptions = Omit<Partial<SessionOptions>, 'cookie' | 'store'> & { cookie?: CookieOptions };

export async function startApp(store: Store, options: AppOptions = {}): Promise<TestApp> {
  const app = express();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  app.use(
    session({
      store,
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      ...options,
      cookie: { sameSite: 'lax', secure: false, ...options.cookie },
    }),
  );
  const data = (req: express.Request): Data => req.session as unknown as Data;
  app.post('/login', (req, res) => {
    const maxAge = Number(req.query.maxAge);
    const expiresIn = Number(req.query.expiresIn);
    if (maxAge > 0) req.session.cookie.maxAge = maxAge;
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- documented by express-session for req.session.cookie
    if (expiresIn > 0) req.session.cookie.expires = new Date(Date.now() + expiresIn);
    Object.assign(data(req), { user: 'ada', views: 0 });
    res.status(201).json({ ok: true });
  });
  app.post('/set/:name', (req, res) => {
    data(req)[req.params.name] = req.query.v ?? true;
    res.json({ ok: true });
  });
  app.post('/incr/:name', (req, res) => {
    const value = data(req)[req.params.name];
    data(req)[req.params.name] = (typeof value === 'number' ? value : 0) + 1;
    res.json({ ok: true });
  });
  app.get('/session', (req, res) => {
    if (data(req).user === undefined) {
      res.status(401).json({ error: 'no session' });
      return;
    }
    const { cookie, ...attrs } = data(req);
    const { originalMaxAge, expires } = cookie as { originalMaxAge: number | null; expires?: Date };
    res.json({ attrs, cookie: { originalMaxAge, expires: expires?.toISOString() ?? null } });
  });
  app.post('/logout', (req, res, next) => {
    req.session.destroy((error: unknown) => {
      if (error === undefined || error === null) res.json({ ok: true });
      else next(error);
    });
  });
  app.post('/regenerate', (req, res, next) => {
    const user = data(req).user;
    req.session.regenerate((error: unknown) => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      data(req).user = user;
      res.json({ ok: true });
    });
  });
  app.post('/slow/:name', async (req, res) => {
    await gate;
    data(req)[req.params.name] = true;
    res.json({ ok: true });
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** The Set-Cookie header of the session cookie, when the response had one. */
  readonly setCookie: string | undefined;
}

/** A browser-like client: keeps the session cookie (ignoring its expiry, as a replayed cookie would). */
export class Client {
  cookie: string | undefined;
  constructor(readonly base: string) {}

  async call(path: string, method = 'POST'): Promise<Answer> {
    const res = await fetch(this.base + path, {
      method,
      headers: this.cookie === undefined ? {} : { cookie: this.cookie },
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('connect.sid='));
    if (setCookie !== undefined) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), setCookie };
  }

  /** The session id express-session put in the cookie (`s:<id>.<signature>`). */
  get sid(): string {
    const value = decodeURIComponent(this.cookie?.split('=')[1] ?? '');
    return value.slice(2, value.lastIndexOf('.'));
  }
}
