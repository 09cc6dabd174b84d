import { setTimeout as sleep } from 'node:timers/promises';
import autocannon, { type Request, type Result } from 'autocannon';
import { cookieHeaderFrom } from './cookies.js';
import type { RunStats } from './report.js';

/** Which routes a load run sends. `mixed` alternates both (the warm-up). */
export type Route = 'read' | 'write' | 'mixed';

const ROUTES: Record<Route, readonly Request[]> = {
  read: [{ method: 'GET', path: '/read' }],
  write: [{ method: 'POST', path: '/write' }],
  mixed: [
    { method: 'GET', path: '/read' },
    { method: 'POST', path: '/write' },
  ],
};

/** Logs in `count` times (POST /login) and returns the Cookie header of each session. */
export async function login(baseUrl: string, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${baseUrl}/login`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    if (response.status !== 201) throw new Error(`POST /login answered ${response.status}: ${await response.text()}`);
    await response.body?.cancel();
    cookies.push(cookieHeaderFrom(response.headers.getSetCookie()));
  }
  return cookies;
}

/**
 * The cookies a browser would hold once the sessions stopped changing: a session whose version
 * moved on (gaesession's cookie carries the version the client was last shown) answers with a
 * fresh Set-Cookie, which a real client keeps. Writes still retrying after a run ends keep moving
 * the version, so this repeats until an answer brings no new cookie (at most `timeoutMs`).
 * Without it, every read of the next run would get (and pay for) a Set-Cookie.
 */
export async function settleCookies(
  baseUrl: string,
  cookies: readonly string[],
  timeoutMs = 30_000,
): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  return Promise.all(
    cookies.map(async (cookie) => {
      let current = cookie;
      while (current !== '') {
        const response = await fetch(`${baseUrl}/read`, {
          headers: { cookie: current },
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel();
        const fresh = cookieHeaderFrom(response.headers.getSetCookie());
        if (fresh === '' || fresh === current) break;
        if (performance.now() > deadline) throw new Error('the session kept changing after the run ended');
        current = fresh;
        await sleep(100);
      }
      return current;
    }),
  );
}

/** The sum of the sessions' counters (GET /counter), to count lost writes. */
export async function counterTotal(baseUrl: string, cookies: readonly string[]): Promise<number> {
  const values = await Promise.all(
    cookies.map(async (cookie) => {
      const response = await fetch(`${baseUrl}/counter`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET /counter answered ${response.status}: ${text}`);
      return Number(text);
    }),
  );
  return values.reduce((sum, value) => sum + value, 0);
}

/**
 * The requests connection `index` (of `connections`) sends, in a loop: one per session (both
 * routes per session for `mixed`), starting at its own offset, so the requests are spread over
 * the sessions round robin and concurrent connections are on different sessions. autocannon
 * builds them once; an empty cookie sends none (bare Express).
 */
export function connectionRequests(
  route: Route,
  cookies: readonly string[],
  index: number,
  connections: number,
): Request[] {
  const count = Math.max(1, cookies.length);
  const offset = Math.floor((index * count) / Math.max(1, connections));
  return Array.from({ length: count }, (_, k) => cookies[(offset + k) % count] ?? '').flatMap((cookie) =>
    ROUTES[route].map((request) => (cookie === '' ? { ...request } : { ...request, headers: { cookie } })),
  );
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly route: Route;
  /** Session cookies, spread over round robin (see {@link connectionRequests}). */
  readonly cookies: readonly string[];
  /** Seconds. */
  readonly duration: number;
  readonly connections: number;
}

/** One autocannon run, in this process. */
export async function drive(options: LoadOptions): Promise<RunStats> {
  let next = 0;
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.duration,
    setupClient: (client) => {
      client.setRequests(connectionRequests(options.route, options.cookies, next++, options.connections));
    },
  });
  return statsOf(result);
}

export function statsOf(result: Result): RunStats {
  const codes = Object.entries(result.statusCodeStats)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, { count }]) => `${count}×${code}`);
  return {
    // Answered 2xx per second: a server answering fast errors must not look faster.
    requestsPerSec: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    succeeded: result['2xx'],
    // autocannon's `errors` already include its timeouts.
    failures: result.errors + result.non2xx + result.mismatches,
    failureDetail: [
      ...codes,
      ...(result.errors > 0 ? [`${result.errors} errors (${result.timeouts} timeouts)`] : []),
    ].join(', '),
  };
}

interface DurableAnswer {
  readonly version: number;
  readonly durableVersion: number;
}

/**
 * Waits until Datastore holds the version the cache holds, for every session (gaesession's
 * GET /bench/durable); resolves with how long that took in ms, or undefined after `timeoutMs`.
 */
export async function waitUntilDurable(
  baseUrl: string,
  cookies: readonly string[],
  timeoutMs = 120_000,
): Promise<number | undefined> {
  const started = performance.now();
  let pending = [...cookies];
  while (pending.length > 0) {
    const answers = await Promise.all(pending.map((cookie) => durable(baseUrl, cookie)));
    pending = pending.filter((_, i) => !answers[i]);
    if (pending.length === 0) break;
    if (performance.now() - started > timeoutMs) return undefined;
    await sleep(100);
  }
  return performance.now() - started;
}

async function durable(baseUrl: string, cookie: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/bench/durable`, {
    headers: { cookie },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET /bench/durable answered ${response.status}: ${await response.text()}`);
  const answer = (await response.json()) as DurableAnswer;
  return answer.durableVersion >= answer.version;
}
