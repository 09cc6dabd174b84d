// A browser-like client of the demo app's JSON API: one cookie jar, one session (not built, not a
// test file itself).
import { CookieJar } from '../testing/cookie-jar.js';

/** The session as GET /api/session describes it (see apps/web/src/api.ts). */
export interface SessionView {
  /** The session key (a hash of the token), as Datastore stores it. */
  readonly id: string;
  readonly user: string | null;
  readonly attrs: Record<string, unknown>;
  readonly version: number;
  readonly created: number;
  readonly accessed: number;
}

/** What GET /api/durability answers. */
export interface Durability {
  readonly version: number;
  readonly durableVersion: number;
  readonly durable: boolean;
}

/** One session of the client's user, as GET /api/sessions lists it (see apps/web/src/sessions-api.ts). */
export interface ListedSessionView {
  readonly id: string;
  readonly device: string | null;
  readonly created: number;
  readonly accessed: number;
  readonly current: boolean;
}

/** The web app answered something other than what the call expects. */
export class UnexpectedAnswerError extends Error {
  override name = 'UnexpectedAnswerError';
}

/**
 * Logs in, reads and writes over HTTP, keeping cookies the way a browser does: the latest
 * `Set-Cookie` of a name wins, an expired one removes it. Concurrent calls share the jar.
 */
export class WebClient {
  readonly #baseUrl: string;
  readonly #cookies = new CookieJar();

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  /** POST /api/login: starts a session for `user`. */
  async login(user: string): Promise<SessionView> {
    return this.#json<SessionView>('POST', '/api/login', { user }, 201);
  }

  /** GET /api/session */
  async session(): Promise<SessionView> {
    return this.#json<SessionView>('GET', '/api/session');
  }

  /** PUT /api/attrs/:name with `{ value }`. */
  async set(name: string, value: unknown): Promise<SessionView> {
    return this.#json<SessionView>('PUT', `/api/attrs/${encodeURIComponent(name)}`, { value });
  }

  /** POST /api/incr/:name: the value after merging with concurrent increments. */
  async increment(name: string): Promise<{ value: number; version: number }> {
    return this.#json('POST', `/api/incr/${encodeURIComponent(name)}`, {});
  }

  /** POST /api/logout: destroys the session (a tombstone once durable). */
  async logout(): Promise<void> {
    await this.#json('POST', '/api/logout', undefined, 204);
  }

  /** GET /api/durability: the version Datastore holds for this session. */
  async durability(): Promise<Durability> {
    return this.#json<Durability>('GET', '/api/durability');
  }

  /** GET /api/sessions: every live session of this client's user, its own flagged current. */
  async sessions(): Promise<ListedSessionView[]> {
    return (await this.#json<{ sessions: ListedSessionView[] }>('GET', '/api/sessions')).sessions;
  }

  /** POST /api/sessions/logout-others: how many other sessions of the user it ended. */
  async logoutOthers(): Promise<number> {
    return (await this.#json<{ ended: number }>('POST', '/api/sessions/logout-others')).ended;
  }

  /** DELETE /api/sessions/:id, expecting `expected` (204: ended; 404: not one of the user's). */
  async endSession(id: string, expected: 204 | 404 = 204): Promise<void> {
    await this.#json('DELETE', `/api/sessions/${encodeURIComponent(id)}`, undefined, expected);
  }

  /** The status GET /api/session answers: 200 while the session lives, 401 once it has ended. */
  async sessionStatus(): Promise<number> {
    return (await this.#send('GET', '/api/session')).status;
  }

  async #json<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const { status, text } = await this.#send(method, path, body);
    if (status !== expected)
      throw new UnexpectedAnswerError(`${method} ${path}: expected ${expected}, got ${status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async #send(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    const cookie = this.#cookies.header();
    if (cookie !== undefined) headers.Cookie = cookie;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.#baseUrl + path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
    this.#cookies.keep(res.headers.getSetCookie());
    return { status: res.status, text: await res.text() };
  }
}
