import type { IncomingMessage, ServerResponse } from 'node:http';
import { commitSession, type CommitOptions, type CommitOutcome } from './commit.js';
import { CookieManager, type CookieOptions } from './cookie.js';
import { isSessionError } from './errors.js';
import { Session, tokenOf, type NewSessionOptions } from './session.js';
import type { SessionStore } from './store.js';
import { sessionKey } from './token.js';

export interface SessionManagerOptions extends CommitOptions {
  store: SessionStore;
  /** Cookie settings; see {@link CookieOptions}. */
  cookie?: CookieOptions;
  /** Idle timeout for new sessions, in ms. @defaultValue 30 minutes */
  timeout?: number;
  /**
   * Called when saving a session fails. The response has not gone out when this runs (unless the
   * app flushed headers itself); by default it answers with the error's status and code.
   */
  onError?: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/** The session state of one request. */
export class RequestSession {
  #session: Session | undefined;
  #replaced: Session | undefined;
  #staleCookie: boolean;
  readonly #manager: SessionManager;

  constructor(manager: SessionManager, session: Session | undefined, staleCookie: boolean) {
    this.#manager = manager;
    this.#session = session;
    this.#staleCookie = staleCookie;
  }

  /** The request's session, or undefined when it has none. */
  get session(): Session | undefined {
    return this.#session;
  }

  /**
   * Starts a new session for this request (at login, say). A session the request already had is
   * destroyed when the response commits, so a pre-login token never carries into the new one.
   */
  create(options: Omit<NewSessionOptions, 'now'> = {}): Session {
    if (this.#session !== undefined && this.#session.lifecycle !== 'new') {
      this.#session.destroy();
      this.#replaced = this.#session;
    }
    const timeout = this.#manager.timeout;
    this.#session = Session.create(timeout === undefined ? options : { timeout, ...options });
    return this.#session;
  }

  /** The Set-Cookie header value this response needs, if any. */
  cookieHeader(): string | undefined {
    const session = this.#session;
    const cookies = this.#manager.cookies;
    if (session === undefined) return this.#staleCookie ? cookies.serializeClear() : undefined;
    switch (session.lifecycle) {
      case 'destroyed':
        return cookies.serializeClear();
      case 'new':
      case 'regenerated':
        return cookies.serialize(tokenOf(session));
      case 'loaded':
        return undefined;
    }
  }

  /** Saves what the request did; safe to call more than once (later calls are no-ops). */
  async commit(): Promise<CommitOutcome> {
    const store = this.#manager.store;
    if (this.#replaced !== undefined) {
      await commitSession(store, this.#replaced, this.#manager.commitOptions);
      this.#replaced = undefined;
    }
    if (this.#session === undefined) return 'unchanged';
    return commitSession(store, this.#session, this.#manager.commitOptions);
  }
}

/**
 * Framework-agnostic sessions over node:http. {@link attach} loads the request's session and
 * arranges for changes to be saved before the response's first byte goes out, so the client's
 * next request reads its own write. A failed save never reaches the client as a success.
 */
export class SessionManager {
  readonly store: SessionStore;
  readonly cookies: CookieManager;
  readonly timeout: number | undefined;
  readonly commitOptions: CommitOptions;
  readonly #onError: NonNullable<SessionManagerOptions['onError']>;

  constructor(options: SessionManagerOptions) {
    this.store = options.store;
    this.cookies = new CookieManager(options.cookie);
    this.timeout = options.timeout;
    this.commitOptions = pickCommitOptions(options);
    this.#onError = options.onError ?? defaultOnError;
  }

  /** Loads the session a request's cookie names, or undefined. Never throws on a bad cookie. */
  async load(req: IncomingMessage): Promise<{ session: Session | undefined; staleCookie: boolean }> {
    const token = this.cookies.read(req.headers.cookie);
    if (token === undefined) return { session: undefined, staleCookie: false };
    const record = await this.store.load(sessionKey(token));
    if (record === undefined) return { session: undefined, staleCookie: true };
    return { session: Session.fromRecord(token, record), staleCookie: false };
  }

  /** Loads the request's session and hooks the response so changes are saved before it is sent. */
  async attach(req: IncomingMessage, res: ServerResponse): Promise<RequestSession> {
    const { session, staleCookie } = await this.load(req);
    const context = new RequestSession(this, session, staleCookie);
    holdResponseUntilCommitted(res, context, (error) => this.#onError(error, req, res));
    return context;
  }
}

type Deferred = () => void;

/**
 * Wraps writeHead/write/end: the cookie header is added when headers are built, and the first
 * body write waits for the commit. Calls made meanwhile are replayed in order afterwards.
 */
function holdResponseUntilCommitted(res: ServerResponse, context: RequestSession, fail: (error: unknown) => void) {
  const { writeHead, write, end } = res;
  let cookieSet = false;
  let state: 'open' | 'committing' | 'done' = 'open';
  const queued: Deferred[] = [];

  const setCookie = () => {
    if (cookieSet) return;
    cookieSet = true;
    const cookie = context.cookieHeader();
    if (cookie !== undefined && !res.headersSent) res.appendHeader('Set-Cookie', cookie);
  };
  const restore = () => {
    res.writeHead = writeHead;
    res.write = write;
    res.end = end;
  };
  const hold = (call: Deferred): void => {
    queued.push(call);
    if (state !== 'open') return;
    state = 'committing';
    context.commit().then(
      () => {
        state = 'done';
        setCookie();
        restore();
        for (const deferred of queued.splice(0)) deferred();
      },
      (error: unknown) => {
        state = 'done';
        queued.length = 0;
        restore();
        if (res.headersSent) res.destroy(error instanceof Error ? error : new Error(String(error)));
        else fail(error);
      },
    );
  };

  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    setCookie();
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    hold(() => (write as (...a: unknown[]) => boolean).apply(res, args));
    return true;
  } as typeof res.write;
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    hold(() => (end as (...a: unknown[]) => ServerResponse).apply(res, args));
    return res;
  } as typeof res.end;
}

function defaultOnError(error: unknown, _req: IncomingMessage, res: ServerResponse): void {
  const status = isSessionError(error) ? error.status : 500;
  const code = isSessionError(error) ? error.code : 'INTERNAL';
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ error: { code, message: 'the session could not be saved' } }));
}

function pickCommitOptions(options: CommitOptions): CommitOptions {
  const out: CommitOptions = {};
  if (options.touchAfter !== undefined) out.touchAfter = options.touchAfter;
  if (options.maxWriteAttempts !== undefined) out.maxWriteAttempts = options.maxWriteAttempts;
  if (options.now !== undefined) out.now = options.now;
  return out;
}
