import { newToken, SessionUnavailableError, type SessionRecord } from '@gaesession/core';
import { MemoryStore } from '@gaesession/session';
import { describe, expect, it } from 'vitest';
import { Device, serve, USER_AGENTS } from './web.fixture.js';

/** A store whose reads fail with `error`. */
class FailingStore extends MemoryStore {
  constructor(readonly error: Error) {
    super();
  }
  override load(): Promise<SessionRecord | undefined> {
    return Promise.reject(this.error);
  }
}

const cookie = { cookie: `sessid=${newToken()}` };

describe('web app error answers', () => {
  it('answers a session that cannot be loaded with its status and code as JSON, on every route', async () => {
    const { url, logged } = await serve(new FailingStore(new SessionUnavailableError('k', 3, 2)));
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
      .filter((entry) => entry.message === 'request failed');
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ severity: 'ERROR', status: 503, path: '/api/session' });
    expect(logged.join('\n')).not.toContain(cookie.cookie.slice(7));
  });

  it('answers anything else 500 INTERNAL without its message', async () => {
    const { url } = await serve(new FailingStore(new Error('secret internals')));
    const res = await fetch(`${url}/api/session`, { headers: cookie });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('answers an oversized login form 413 as JSON', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `user=${'x'.repeat(5000)}&password=a`,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'TOO_LARGE' } });
  });

  it('answers a body that is not sent as JSON 415, saying so in one line', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.curl);
    const refused = [
      ['POST', '/api/login', new TextEncoder().encode('{"user":"ada"}'), {}, 'no content-type'],
      [
        'POST',
        '/api/login',
        'user=ada',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'content-type: application/x-www-form-urlencoded',
      ],
    ] as const;
    for (const [method, path, body, headers, got] of refused) {
      const answer = await device.call(method, path, body, headers);
      expect(answer.status, `${method} ${path} ${got}`).toBe(415);
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.json).toEqual({
        error: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: `send the body as JSON with content-type: application/json (got ${got})`,
        },
      });
    }
    await device.login('ada');
    const text = await device.call('PUT', '/api/attrs/a', '{"value":1}', {
      'content-type': 'text/plain; charset=utf-8',
    });
    expect(text.status).toBe(415);
    expect((text.json as { error: { message: string } }).error.message).toContain('(got content-type: text/plain)');
    // JSON with a charset, or no body at all where the body is optional, still works.
    const json = await device.call('PUT', '/api/attrs/a', '{"value":1}', {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(json.status).toBe(200);
    expect((await device.call('POST', '/api/incr/n')).json).toMatchObject({ value: 1 });
    expect((await device.call('POST', '/api/incr/n', '', { 'content-type': 'text/plain' })).json).toMatchObject({
      value: 2,
    });
  });

  it('answers every unknown /api route JSON 404, with or without a session', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.curl);
    for (let round = 0; round < 2; round++) {
      for (const [method, path] of [
        ['GET', '/api/nope'],
        ['POST', '/api/sessions/nope/deeper'],
        ['GET', '/api/login'],
        ['PATCH', '/api/session'],
        ['GET', '/api'],
      ] as const) {
        const body = method === 'GET' ? undefined : 'x';
        const answer = await device.call(method, path, body, { 'content-type': 'text/plain' });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.type).toMatch(/^application\/json/);
        expect(answer.json).toEqual({ error: { code: 'NOT_FOUND', message: `no route for ${method} ${path}` } });
      }
      await device.login('ada');
    }
  });
});
