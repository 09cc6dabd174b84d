// The web app on a MemoryStore, served on a free port, and a client with a cookie of its own
// (not built: tsconfig leaves *.fixture.ts out).
import type { AddressInfo } from 'node:net';
import { createLogger } from '@gaesession/config';
import { MemoryStore, SessionManager } from '@gaesession/session';
import { afterEach } from 'vitest';
import { createWebApp } from './app.js';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

export interface Served {
  readonly url: string;
  readonly store: MemoryStore;
  /** The app's log lines. */
  readonly logged: string[];
}

/** The app on `store`, closed after the test. */
export async function serve(store = new MemoryStore()): Promise<Served> {
  const logged: string[] = [];
  const app = createWebApp({
    sessions: new SessionManager({ store, cookie: { allowHttp: true } }),
    repository: undefined,
    logger: createLogger({ readable: false, destination: { write: (line: string) => logged.push(line) } }),
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, store, logged };
}

export interface Answer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** A browser on one device: its own User-Agent and its own session cookie, redirects not followed. */
export class Device {
  cookie: string | undefined;

  constructor(
    readonly url: string,
    readonly userAgent: string,
  ) {}

  /**
   * Sends `body` as JSON, or as is with the headers given when it is a string (fetch says
   * text/plain unless told otherwise) or bytes (sent without a content-type).
   */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const all: Record<string, string> = { 'user-agent': this.userAgent, ...headers };
    if (this.cookie !== undefined) all.cookie = this.cookie;
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    if (body !== undefined && !raw) all['content-type'] = 'application/json';
    const res = await fetch(this.url + path, {
      method,
      headers: all,
      redirect: 'manual',
      ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      if (!pair.startsWith('sessid=')) continue;
      this.cookie = /max-age=0/i.test(line) || pair === 'sessid=' ? undefined : pair;
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json };
  }

  /** POST /api/login as `user`; the session's id. */
  async login(user: string): Promise<string> {
    const answer = await this.call('POST', '/api/login', { user });
    if (answer.status !== 201) throw new Error(`login of ${user}: ${answer.status} ${answer.text}`);
    return (answer.json as { id: string }).id;
  }
}

export const USER_AGENTS = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  firefoxAndroid: 'Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  curl: 'curl/8.5.0',
} as const;
