// One browser-like client of the demo app's JSON API: a cookie jar, and answers that never throw.
import type { CookieJar } from '../testing/cookie-jar.js';

export { CookieJar } from '../testing/cookie-jar.js';

/** What one request came to. `status` 0: no answer at all (see `failure`). */
export interface Answer {
  readonly status: number;
  /** The parsed JSON body; undefined when empty, not JSON, or no answer. */
  readonly body: unknown;
  /** Milliseconds from sending to the end of the body (or to the failure). */
  readonly ms: number;
  /** Why there was no answer: the client gave up (`timeout`) or the connection failed (`network`). */
  readonly failure?: 'timeout' | 'network';
}

/** True for an answer the app acknowledged (2xx). */
export function acknowledged(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** How an answer is counted in reports: the status code, or `timeout` / `network`. */
export function outcomeOf(answer: Answer): string {
  return answer.failure ?? String(answer.status);
}

/**
 * Sends one request with the jar's cookies and keeps the answer's; resolves with whatever came
 * back (never rejects), giving up after `timeoutMs`.
 */
export async function send(
  baseUrl: string,
  jar: CookieJar,
  request: { readonly method: string; readonly path: string; readonly body?: unknown; readonly timeoutMs: number },
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const cookie = jar.header();
  if (cookie !== undefined) headers.Cookie = cookie;
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  try {
    const res = await fetch(baseUrl + request.path, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    jar.keep(res.headers.getSetCookie());
    const text = await res.text();
    return { status: res.status, body: parseJson(text), ms: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { status: 0, body: undefined, ms: performance.now() - started, failure: timedOut ? 'timeout' : 'network' };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
