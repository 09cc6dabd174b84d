import { healthHandlers, Readiness } from '@gaesession/config';
import { errorHandler, notFound, requestLogging, silentLogger, type Logger } from '@gaesession/core';
import type { SessionRepository } from '@gaesession/persistence';
import { sessionMiddleware, type SessionManager } from '@gaesession/session';
// Types req.session, req.createSession() and req.saveSession() on Express's Request.
import '@gaesession/session/express';
import express, { type Express } from 'express';
import { sessionApi } from './api.js';
import { homePage, loginPage } from './page.js';
import { startSession, userName } from './requests.js';
import { sessionsApi } from './sessions-api.js';

export interface WebAppDependencies {
  sessions: SessionManager;
  /** Read only, for the durability panel: which version Datastore holds. */
  repository: SessionRepository | undefined;
  /** The dependencies /healthz and /readyz report. @defaultValue none */
  readiness?: Readiness;
  /** False once the app is stopping: /healthz and /readyz then answer 503. @defaultValue always serving */
  serving?: () => boolean;
  /** Where requests, and failed and refused ones, are logged. @defaultValue silent */
  logger?: Logger;
  /** The Google Cloud project, for the trace field of log lines. @defaultValue 'gaesession-local' */
  projectId?: string;
}

/** The query of the page a form logout lands on: the login form says the session ended. */
const LOGGED_OUT = 'logged-out';

/** The demo web app (the App Engine `default` service). */
export function createWebApp(deps: WebAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  const logger = deps.logger ?? silentLogger;
  app.use(requestLogging(logger, { projectId: deps.projectId ?? 'gaesession-local' }));
  const durable = deps.repository !== undefined;

  // Platform endpoints stay outside the session middleware: no cache round trip for them.
  app.get('/_ah/warmup', (_req, res) => res.type('text').send('warm'));
  const health = healthHandlers(deps.readiness ?? new Readiness([]), deps.serving);
  app.get('/healthz', health.healthz);
  app.get('/readyz', health.readyz);
  // The page declares an inline icon; this answers browsers that ask anyway, without a session.
  app.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').status(204).end();
  });

  app.use(sessionMiddleware(deps.sessions));
  app.use('/api', sessionApi(deps.repository), sessionsApi(deps.sessions));
  app.use('/api', notFound);

  app.get('/', async (req, res) => {
    const session = req.session;
    if (session === undefined) {
      res.type('html').send(loginPage({ loggedOut: req.query[LOGGED_OUT] !== undefined, durable }));
      return;
    }
    // The first page after login shows 0; each later view (a refresh) counts one, merged with
    // concurrent ones.
    if (session.has('visits')) session.increment('visits');
    else session.set('visits', 0);
    // Save before rendering: the page shows the merged count and the version it produced.
    await req.saveSession();
    const user = session.constant('user');
    res.type('html').send(
      homePage({
        user: typeof user === 'string' ? user : '?',
        visits: Number(session.get('visits')),
        version: session.version,
        id: session.key,
      }),
    );
  });

  app.post('/login', express.urlencoded({ extended: false, limit: 4096 }), (req, res) => {
    const { user, password } = req.body as { user?: unknown; password?: unknown };
    const name = userName(user);
    if (name === undefined || password !== 'a') {
      const error = 'Wrong user name or password (the password is "a"; a user name has 1 to 200 characters).';
      res.status(401).type('html').send(loginPage({ error, durable }));
      return;
    }
    startSession(req, name);
    res.redirect(303, '/');
  });

  app.post('/logout', (req, res) => {
    const session = req.session;
    if (session === undefined) {
      res.redirect(303, '/');
      return;
    }
    // The tombstone is written before the redirect goes out (the save precedes the first byte).
    session.destroy();
    res.redirect(303, `/?${LOGGED_OUT}`);
  });

  app.use(errorHandler(logger));
  return app;
}
