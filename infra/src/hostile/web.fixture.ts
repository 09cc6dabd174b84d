// Calls the demo app's JSON API over a bare socket, with exactly the Cookie header a test chooses,
// and keeps every Set-Cookie it ever saw (not built, not a test file itself).
import { expect } from 'vitest';
import { rawRequest, type RawHeader, type RawResponse } from './raw-http.fixture.js';

export const COOKIE_NAME = 'sessid';

/** An answer of the demo app, its body parsed when it is JSON. */
export interface Answer extends RawResponse {
  readonly json: unknown;
}

/** The session as GET /api/session describes it (apps/web/src/api.ts). */
export interface SessionView {
  readonly id: string;
  readonly user: string | null;
  readonly attrs: Record<string, unknown>;
  readonly version: number;
}

/** A session cookie the app issued. */
export interface Issued {
  /** `sessid=<value>`, as a browser sends it back. */
  readonly pair: string;
  /** The cookie value: the token, `.signature` when signed, `~version` hint. */
  readonly value: string;
  /** The 43-character token. */
  readonly token: string;
  /** The session key (`id` in the API), a hash of the token. */
  readonly id: string;
}

/** Every Set-Cookie value seen by the calls that were given this log. */
export class SetCookieLog {
  readonly values: string[] = [];

  add(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const value = cookieValue(line);
      if (value !== undefined && value !== '') this.values.push(value);
    }
  }
}

export interface CallOptions {
  /** The whole Cookie header, or several (one per header line). */
  readonly cookie?: string | readonly string[];
  readonly body?: unknown;
  /** Raw headers sent besides. */
  readonly headers?: readonly RawHeader[];
  readonly log?: SetCookieLog;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const cookies =
    options.cookie === undefined ? [] : typeof options.cookie === 'string' ? [options.cookie] : options.cookie;
  const headers: RawHeader[] = [...cookies.map((cookie): RawHeader => ['Cookie', cookie]), ...(options.headers ?? [])];
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.push(['Content-Type', 'application/json']);
    body = JSON.stringify(options.body);
  }
  const answer = await rawRequest(baseUrl, { method, path, headers, ...(body === undefined ? {} : { body }) });
  options.log?.add(answer.setCookies);
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  return { ...answer, json };
}

/** The value a Set-Cookie line gives the session cookie ('' when it clears it); undefined for other cookies. */
export function cookieValue(setCookie: string): string | undefined {
  const pair = setCookie.split(';')[0] ?? '';
  const eq = pair.indexOf('=');
  return pair.slice(0, eq).trim() === COOKIE_NAME ? pair.slice(eq + 1).trim() : undefined;
}

/** The session cookie an answer set (undefined when it set none, '' when it cleared it). */
export function issuedValue(answer: Answer): string | undefined {
  return answer.setCookies
    .map(cookieValue)
    .filter((value) => value !== undefined)
    .at(-1);
}

export function issued(value: string, id: string): Issued {
  return { pair: `${COOKIE_NAME}=${value}`, value, token: value.slice(0, 43), id };
}

/** POST /api/login as `user` (with `cookie`, if given) and the cookie it issued. */
export async function login(baseUrl: string, user: string, options: CallOptions = {}): Promise<Issued> {
  const answer = await call(baseUrl, 'POST', '/api/login', { ...options, body: { user } });
  expect(answer.status, answer.body).toBe(201);
  const value = issuedValue(answer);
  expect(value, 'login sets the session cookie').toBeTruthy();
  return issued(value ?? '', (answer.json as SessionView).id);
}

/** A call that must answer 2xx; follows the session cookie through regenerations and version hints. */
export async function act(
  baseUrl: string,
  session: Issued,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<{ session: Issued; answer: Answer }> {
  const answer = await call(baseUrl, method, path, { ...options, cookie: session.pair });
  expect(answer.status, `${method} ${path}: ${answer.body}`).toBeLessThan(300);
  const value = issuedValue(answer);
  const view = answer.json as Partial<SessionView> | undefined;
  if (value === undefined || value === '') return { session, answer };
  return { session: issued(value, typeof view?.id === 'string' ? view.id : session.id), answer };
}
