import type { AddressInfo } from 'node:net';
import { createLogger } from '@gaesession/config';
import { newToken, SessionUnavailableError, type SessionRecord } from '@gaesession/core';
import { MemoryStore, SessionManager } from '@gaesession/session';
import { afterEach, describe, expect, it } from 'vitest';
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
let logged: string[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
  logged = [];
});

async function serve(store: MemoryStore): Promise<string> {
  const app = createWebApp({
    sessions: new SessionManager({ store, cookie: { allowHttp: true } }),
    repository: undefined,
    logger: createLogger({ readable: false, destination: { write: (line: string) => logged.push(line) } }),
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const cookie = { cookie: `sessid=${newToken()}` };

describe('web app error answers', () => {
  it('answers a session that cannot be loaded with its status and code as JSON, on every route', async () => {
    const url = await serve(new FailingStore(new SessionUnavailableError('k', 3, 2)));
    for (const path of ['/api/session', '/']) {
      const res = await fetch(url + path, { headers: cookie });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        error: { code: 'SESSION_UNAVAILABLE', message: 'session k: version 3 is not readable yet (Datastore has 2)' },
      });
    }
    const failures = logged
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((e) => e.message === 'request failed');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ severity: 'ERROR', status: 503, path: '/api/session' });
    expect(logged.join('\n')).not.toContain(cookie.cookie.slice(7));
  });

  it('answers anything else 500 INTERNAL without its message', async () => {
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
    expect(await res.json()).toMatchObject({ error: { code: 'TOO_LARGE' } });
  });
});
