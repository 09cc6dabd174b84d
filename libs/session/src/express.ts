import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigurationError } from '@gaesession/core';
import type { NewSessionOptions, Session } from './session.js';
import { SessionManager, type RequestSession, type SessionManagerOptions } from './http.js';

/** What the middleware adds to a request. */
export interface SessionRequest {
  /** The request's session, or undefined when it has none. */
  readonly session: Session | undefined;
  /** Starts a new session (replacing and destroying any existing one); sets the cookie. */
  createSession(options?: Omit<NewSessionOptions, 'now'>): Session;
  /** Saves the session now instead of when the response is sent. */
  saveSession(): Promise<void>;
}

type Next = (error?: unknown) => void;

/**
 * Express (4 or 5) middleware; also works with any connect-style framework. Adds
 * `req.session`, `req.createSession()` and `req.saveSession()`. Their types come with
 * `import '@gaesession/session/express'` (an opt-in augmentation of Express's `Request`), or,
 * without any augmentation, from {@link sessionOf}.
 *
 * @example
 * app.use(sessionMiddleware(createSessions().sessions)); // @gaesession/config: from the environment
 * app.use(sessionMiddleware({ store, cookie: { secrets: ['at-least-16-characters'] } })); // or by hand
 * app.post('/login', (req, res) => { req.createSession({ constants: { user: req.body.user } }); res.end(); });
 */
export function sessionMiddleware(
  options: SessionManagerOptions | SessionManager,
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const manager = options instanceof SessionManager ? options : new SessionManager(options);
  return (req, res, next) => {
    manager.attach(req, res).then((context) => {
      decorate(req, context);
      next();
    }, next);
  };
}

/** Marks a request the middleware has decorated. */
const DECORATED = Symbol.for('@gaesession/session.decorated');

/** A request as {@link decorate} leaves it. */
type Decorated = IncomingMessage & { [DECORATED]: true; session: Session | undefined } & Omit<
    SessionRequest,
    'session'
  >;

/**
 * Plain own properties, assigned (no property descriptors: those turn the request into a slow
 * dictionary-mode object for the rest of its handling). `req.session` follows `createSession`.
 */
function decorate(req: IncomingMessage, context: RequestSession): void {
  const decorated = req as Decorated;
  decorated[DECORATED] = true;
  decorated.session = context.session;
  decorated.createSession = (options?: Omit<NewSessionOptions, 'now'>) => {
    const session = context.create(options);
    decorated.session = session;
    return session;
  };
  decorated.saveSession = () => context.commit().then(() => undefined);
}

/**
 * The request's session API, typed without any global augmentation: for programs where
 * `req.session` means something else (an app that also has @types/express-session, e.g. while it
 * migrates). Throws `ConfigurationError` when {@link sessionMiddleware} did not run on `req`.
 *
 * @example
 * router.get('/', (req, res) => { res.json({ visits: sessionOf(req).session?.increment('visits') }); });
 */
export function sessionOf(req: IncomingMessage): SessionRequest {
  if (!(DECORATED in req)) {
    throw new ConfigurationError('sessionOf(req): the gaesession middleware did not run on this request');
  }
  return req as unknown as SessionRequest;
}
