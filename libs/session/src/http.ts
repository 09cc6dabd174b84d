import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  commitResolved,
  resolveCommitOptions,
  type CommitOptions,
  type CommitOutcome,
  type ResolvedCommitOptions,
} from './commit.js';
import { CookieManager, type CookieOptions } from './cookie.js';
import {
  UnsupportedError,
  DEFAULT_TIMEOUT_MS,
  errorAnswer,
  internalError,
  sendErrorAnswer,
  withDefaults,
  type ListOptions,
  type PrincipalSession,
  type SessionStore,
} from '@gaesession/core';
import { holdResponseUntilCommitted } from './response.js';
import { Session, tokenOf, type NewSessionOptions } from './session.js';

export interface SessionManagerOptions extends CommitOptions {
  store: SessionStore;
  /** Cookie settings; see {@link CookieOptions}. */
  cookie?: CookieOptions;
  /** Idle timeout for new sessions, in ms. @defaultValue 30 minutes */
  timeout?: number;
  /**
   * Called when saving a session fails, before any header has gone out (when the app had already
   * sent its headers, the socket is destroyed instead, so no success reaches the client). It must
   * end the response before it returns; the app's own later writes are dropped. By default it
   * answers with the error's status and a JSON body `{ error: { code, message } }`.
   */
  onError?: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/** One session of a user's list: its key (never its token), times, constants, and whether it is the asking request's. */
export type ListedSession = PrincipalSession & { readonly current: boolean };

/** The defaults of {@link SessionManagerOptions} (besides those of its cookie and commit options). */
export const SESSION_MANAGER_DEFAULTS = {
  timeout: DEFAULT_TIMEOUT_MS,
  onError: defaultOnError,
} as const satisfies Partial<SessionManagerOptions>;

/** The session state of one request. */
export class RequestSession {
  #session: Session | undefined;
  #replaced: Session | undefined;
  /** The token the client's cookie holds (undefined when it sent none, or a stale one). */
  readonly #clientToken: string | undefined;
  /** The session version the client's cookie says it was last shown. */
  readonly #clientVersion: number;
  /** The client sent a cookie, valid or stale, that it should lose if there is no session. */
  readonly #clientHasCookie: boolean;
  #lastCommit: Promise<unknown> = Promise.resolve();
  readonly #manager: SessionManager;

  constructor(manager: SessionManager, session: Session | undefined, staleCookie: boolean, clientVersion = 0) {
    this.#manager = manager;
    this.#session = session;
    this.#clientToken = session === undefined ? undefined : tokenOf(session);
    this.#clientVersion = clientVersion;
    this.#clientHasCookie = staleCookie || session !== undefined;
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
    this.#session = Session.create({ timeout: this.#manager.timeout, ...options });
    return this.#session;
  }

  /**
   * The Set-Cookie header value this response needs, if any: the live session's token (with the
   * version the client now holds) when the client does not hold exactly that yet, or a clearing
   * cookie when the client holds one for no live session.
   */
  cookieHeader(): string | undefined {
    const session = this.#session;
    const cookies = this.#manager.cookies;
    if (session !== undefined && session.lifecycle !== 'destroyed') {
      const token = tokenOf(session);
      const unchanged = token === this.#clientToken && session.version <= this.#clientVersion;
      return unchanged ? undefined : cookies.serialize(token, session.version);
    }
    return this.#clientHasCookie ? cookies.serializeClear() : undefined;
  }

  /**
   * Saves what the request did. Calls are serialized, and each saves only what changed since the
   * last one, so calling it again (or concurrently) never applies an operation twice. A failed
   * save is final for the request: later calls (the response hold's, say) fail with the same
   * error instead of applying operations the client is being told did not happen.
   */
  commit(): Promise<CommitOutcome> {
    const next = this.#lastCommit.then(() => this.#commitNow());
    this.#lastCommit = next;
    return next;
  }

  async #commitNow(): Promise<CommitOutcome> {
    const store = this.#manager.store;
    if (this.#replaced !== undefined) {
      await commitResolved(store, this.#replaced, this.#manager.commitOptions);
      this.#replaced = undefined;
    }
    if (this.#session === undefined) return 'unchanged';
    return commitResolved(store, this.#session, this.#manager.commitOptions);
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
  readonly timeout: number;
  readonly commitOptions: ResolvedCommitOptions;
  readonly #onError: NonNullable<SessionManagerOptions['onError']>;

  constructor(managerOptions: SessionManagerOptions) {
    const options = withDefaults(SESSION_MANAGER_DEFAULTS, managerOptions);
    this.store = options.store;
    this.cookies = new CookieManager(options.cookie);
    this.timeout = options.timeout;
    this.commitOptions = resolveCommitOptions({
      touchAfter: options.touchAfter,
      maxWriteAttempts: options.maxWriteAttempts,
      now: options.now,
    });
    this.#onError = options.onError;
  }

  /**
   * The live sessions of `principal` (the user a session was created for), a page at a time, with
   * the one whose key is `current` (the request's own, say) flagged. Needs a store that indexes
   * principals (the write-behind store does, in Datastore).
   */
  async listByPrincipal(
    principal: string,
    options: ListOptions & { readonly current?: string } = {},
  ): Promise<{ sessions: ListedSession[]; cursor?: string }> {
    const { current, ...page } = options;
    const listed = await this.#principalStore('listByPrincipal').listByPrincipal(principal, page);
    const sessions = listed.sessions.map((session) => ({ ...session, current: session.key === current }));
    return listed.cursor === undefined ? { sessions } : { sessions, cursor: listed.cursor };
  }

  /**
   * Ends every live session of `principal` except the keys in `except` ("log out everywhere else"),
   * each exactly as a single logout ends one; answers how many it ended.
   */
  async destroyByPrincipal(principal: string, options: { readonly except?: readonly string[] } = {}): Promise<number> {
    return this.#principalStore('destroyByPrincipal').destroyByPrincipal(principal, options);
  }

  #principalStore<M extends 'listByPrincipal' | 'destroyByPrincipal'>(method: M): Required<Pick<SessionStore, M>> {
    if (this.store[method] === undefined) {
      throw new UnsupportedError(`this session store cannot ${method}: it keeps no index of principals`);
    }
    return this.store as unknown as Required<Pick<SessionStore, M>>;
  }

  /** Loads the session a request's cookie names, or undefined. Never throws on a bad cookie. */
  async load(
    req: IncomingMessage,
  ): Promise<{ session: Session | undefined; staleCookie: boolean; clientVersion: number }> {
    const state = this.cookies.readState(req.headers.cookie);
    if (state === undefined) return { session: undefined, staleCookie: false, clientVersion: 0 };
    const record = await this.store.load(state.key, state.version);
    if (record === undefined) return { session: undefined, staleCookie: true, clientVersion: 0 };
    return { session: Session.fromRecord(state.token, record), staleCookie: false, clientVersion: state.version };
  }

  /** Loads the request's session and hooks the response so changes are saved before it is sent. */
  async attach(req: IncomingMessage, res: ServerResponse): Promise<RequestSession> {
    const { session, staleCookie, clientVersion } = await this.load(req);
    const context = new RequestSession(this, session, staleCookie, clientVersion);
    holdResponseUntilCommitted(res, {
      cookie: () => context.cookieHeader(),
      commit: () => context.commit(),
      fail: (error) => {
        this.#onError(error, req, res);
      },
    });
    return context;
  }
}

function defaultOnError(error: unknown, _req: IncomingMessage, res: ServerResponse): void {
  const answer = errorAnswer(error);
  // The app's headers described the response it meant to send (Content-Length, ETag...), not this
  // one; sendErrorAnswer drops them.
  sendErrorAnswer(res, answer.status === 500 ? internalError('the session could not be saved') : answer);
}
