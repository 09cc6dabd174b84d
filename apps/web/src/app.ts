import { errorHandler, notFound, silentLogger, type Logger } from '@gaesession/core';
import type { SessionRepository } from '@gaesession/persistence';
import { sessionMiddleware, type SessionManager } from '@gaesession/session';
// Types req.session, req.createSession() and req.saveSession() on Express's Request.
import '@gaesession/session/express';
import express, { type Express } from 'express';
import { sessionApi } from './api.js';
import { noSession } from './errors.js';
import { homePage, loginPage } from './page.js';

export interface WebAppDependencies {
  sessions: SessionManager;
  /** Read only, for the durability panel: which version Datastore holds. */
  repository: SessionRepository | undefined;
  /** Extra readiness check for /healthz. */
  healthy?: () => Promise<boolean>;
  /** Where failed and refused requests are logged. @defaultValue silent */
  logger?: Logger;
}

/** The demo web app (the App Engine `default` service). */
export function createWebApp(deps: WebAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  // Platform endpoints stay outside the session middleware: no cache round trip for them.
  app.get('/_ah/warmup', (_req, res) => res.type('text').send('warm'));
  app.get('/healthz', async (_req, res) => {
    const ok = (await deps.healthy?.().catch(() => false)) ?? true;
    res.status(ok ? 200 : 503).json({ ok });
  });

  app.use(sessionMiddleware(deps.sessions));
  app.use('/api', sessionApi());

  app.get('/api/durability', async (req, res) => {
    const session = req.session;
    if (session === undefined) throw noSession();
    const stored = await deps.repository?.load(session.key);
    const durableVersion = stored?.version ?? 0;
    res.json({ version: session.version, durableVersion, durable: durableVersion >= session.version });
  });

  app.get('/', async (req, res) => {
    const session = req.session;
    if (session === undefined) {
      res.type('html').send(loginPage());
      return;
    }
    session.increment('visits');
    // Save before rendering: the page shows the merged count and the version it produced.
    await req.saveSession();
    const visits = Number(session.get('visits'));
    const user = session.constant('user');
    res
      .type('html')
      .send(
        homePage({ user: typeof user === 'string' ? user : '?', visits, version: session.version, id: session.key }),
      );
  });

  app.post('/login', express.urlencoded({ extended: false, limit: 4096 }), (req, res) => {
    const { user, password } = req.body as { user?: unknown; password?: unknown };
    if (typeof user !== 'string' || user.trim() === '' || password !== 'a') {
      res.status(401).type('html').send(loginPage('Wrong user name or password (the password is "a").'));
      return;
    }
    req.createSession({ constants: { user: user.trim() } });
    res.redirect(303, '/');
  });

  app.post('/logout', (req, res) => {
    req.session?.destroy();
    res.redirect(303, '/');
  });

  app.use('/api', notFound);
  app.use(errorHandler(deps.logger ?? silentLogger));
  return app;
}
