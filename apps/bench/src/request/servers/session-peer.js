// The express-session peers share this app: same routes, same express-session settings, same
// cookie, so the only difference between them is the store. Plain JavaScript on purpose:
// @types/express-session's `req.session` would clash with gaesession's in one TS program.
import express from 'express';
import session from 'express-session';
import { requiredEnv, SESSION_TIMEOUT_MS } from './serve.js';

/** Cookie attributes every server with sessions uses (gaesession: HttpOnly, Lax, Path=/, not Secure locally). */
export const PEER_COOKIE = { httpOnly: true, sameSite: 'lax', secure: false, path: '/', maxAge: SESSION_TIMEOUT_MS };

/** An Express 5 app with express-session over `store`, and the bench routes. */
export function sessionPeerApp(store) {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    session({
      store,
      secret: requiredEnv('BENCH_COOKIE_SECRET'),
      resave: false,
      saveUninitialized: false,
      cookie: PEER_COOKIE,
    }),
  );
  app.post('/login', (req, res) => {
    req.session.user = 'bench';
    req.session.counter = 0;
    res.status(201).send('ok');
  });
  app.get('/read', (req, res) => {
    const user = req.session.user;
    if (user === undefined) res.status(401).send('no session');
    else res.send(user);
  });
  // Setup only (not measured): the counter, to count the writes that were lost.
  app.get('/counter', (req, res) => {
    res.send(String(req.session.counter ?? 0));
  });
  app.post('/write', (req, res) => {
    if (req.session.user === undefined) {
      res.status(401).send('no session');
      return;
    }
    const counter = (req.session.counter ?? 0) + 1;
    req.session.counter = counter;
    res.send(String(counter));
  });
  return app;
}
