import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore, newToken, SessionError, SessionManager, type SessionRecord } from '@gaesession/session';
import { createWebApp } from './app.js';

/** A store whose reads fail with `error`. */
class FailingStore extends MemoryStore {
  constructor(readonly error: Error) {
    super();
  }
  override load(): Promise<SessionRecord | undefined> {
    return Promise.reject(this.error);
  }
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
  vi.restoreAllMocks();
});

async function serve(store: MemoryStore): Promise<string> {
  const app = createWebApp({
    sessions: new SessionManager({ store, cookie: { allowHttp: true } }),
    repository: undefined,
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const cookie = { cookie: `sessid=${newToken()}` };

describe('web app error answers', () => {
  it('answers a session that cannot be loaded with its status and code as JSON, on every route', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const url = await serve(
      new FailingStore(new SessionError('SESSION_UNAVAILABLE', 'session k: not readable yet', 503)),
    );
    for (const path of ['/api/session', '/']) {
      const res = await fetch(url + path, { headers: cookie });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        error: { code: 'SESSION_UNAVAILABLE', message: 'session k: not readable yet' },
      });
    }
    expect(log).toHaveBeenCalledTimes(2);
    expect(String(log.mock.calls[0]?.[0])).not.toContain(cookie.cookie.slice(7));
  });

  it('answers anything else 500 INTERNAL without its message', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const url = await serve(new FailingStore(new Error('secret internals')));
    const res = await fetch(`${url}/api/session`, { headers: cookie });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('answers an oversized login form 413 as JSON', async () => {
    const url = await serve(new MemoryStore());
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `user=${'x'.repeat(5000)}&password=a`,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'HTTP_413' } });
  });
});
