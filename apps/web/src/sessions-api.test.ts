import { describe, expect, it } from 'vitest';
import type { SessionListItem } from './sessions-api.js';
import { Device, serve, USER_AGENTS } from './web.fixture.js';

async function list(device: Device): Promise<SessionListItem[]> {
  const answer = await device.call('GET', '/api/sessions');
  expect(answer.status, answer.text).toBe(200);
  return (answer.json as { sessions: SessionListItem[] }).sessions;
}

/** Ada on three devices, Bob on one. */
async function fourLogins() {
  const { url, store } = await serve();
  const [laptop, phone, cli, bob] = [
    new Device(url, USER_AGENTS.chromeLinux),
    new Device(url, USER_AGENTS.firefoxAndroid),
    new Device(url, USER_AGENTS.curl),
    new Device(url, USER_AGENTS.safariIphone),
  ];
  const ids = { laptop: await laptop.login('ada'), phone: await phone.login('ada'), cli: await cli.login('ada') };
  const bobId = await bob.login('bob');
  return { url, store, laptop, phone, cli, bob, ids, bobId };
}

describe('GET /api/sessions', () => {
  it("lists exactly the caller's sessions, its own first and flagged current, with device labels", async () => {
    const { laptop, phone, bob, ids, bobId } = await fourLogins();
    const listed = await list(phone);
    expect(listed.map((s) => s.id).sort()).toEqual(Object.values(ids).sort());
    expect(listed[0]).toMatchObject({ id: ids.phone, current: true, device: 'Firefox on Android' });
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    expect(Object.fromEntries(listed.map((s) => [s.id, s.device]))).toEqual({
      [ids.laptop]: 'Chrome on Linux',
      [ids.phone]: 'Firefox on Android',
      [ids.cli]: 'curl',
    });
    for (const session of listed) {
      expect(Object.keys(session).sort()).toEqual(['accessed', 'created', 'current', 'device', 'id']);
      expect(session.created).toBeLessThanOrEqual(session.accessed);
    }
    // Ids are hashes: no cookie's token is in the answer.
    const answer = await phone.call('GET', '/api/sessions');
    for (const device of [laptop, phone]) expect(answer.text).not.toContain(device.cookie!.slice(7, 50));

    expect(await list(bob)).toEqual([expect.objectContaining({ id: bobId, current: true, device: 'Safari on iOS' })]);
  });

  it('answers 401 JSON without a session, on every sessions route', async () => {
    const { url } = await serve();
    const stranger = new Device(url, USER_AGENTS.curl);
    for (const [method, path] of [
      ['GET', '/api/sessions'],
      ['POST', '/api/sessions/logout-others'],
      ['DELETE', `/api/sessions/${'a'.repeat(43)}`],
    ] as const) {
      const answer = await stranger.call(method, path);
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.json).toMatchObject({ error: { code: 'NO_SESSION' } });
    }
  });
});

describe('POST /api/sessions/logout-others', () => {
  it("ends the caller's other sessions, answers how many, and leaves the caller and other users alone", async () => {
    const { laptop, phone, cli, bob, ids, store } = await fourLogins();
    const answer = await laptop.call('POST', '/api/sessions/logout-others');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ended: 2 });

    for (const ended of [phone, cli]) {
      expect((await ended.call('GET', '/api/session')).status).toBe(401);
      expect(ended.cookie, 'the ended session has its cookie cleared').toBeUndefined();
    }
    expect(await store.load(ids.phone)).toBeUndefined();
    expect((await laptop.call('POST', '/api/incr/n')).json).toMatchObject({ value: 1 });
    expect((await list(laptop)).map((s) => s.id)).toEqual([ids.laptop]);
    expect((await bob.call('GET', '/api/session')).status).toBe(200);

    expect((await laptop.call('POST', '/api/sessions/logout-others')).json).toEqual({ ended: 0 });
  });
});

describe('DELETE /api/sessions/:id', () => {
  it('ends one other session of the caller: that device is logged out, the rest keep working', async () => {
    const { laptop, phone, cli, ids } = await fourLogins();
    const answer = await laptop.call('DELETE', `/api/sessions/${ids.phone}`);
    expect(answer.status).toBe(204);
    expect((await phone.call('GET', '/api/session')).status).toBe(401);
    expect((await cli.call('GET', '/api/session')).status).toBe(200);
    expect((await list(laptop)).map((s) => s.id).sort()).toEqual([ids.laptop, ids.cli].sort());
    // Ended already: the same 404 as an unknown one.
    expect((await laptop.call('DELETE', `/api/sessions/${ids.phone}`)).status).toBe(404);
  });

  it("answers 404 JSON for another user's session, which stays alive, and for unknown or malformed ids", async () => {
    const { laptop, bob, bobId } = await fourLogins();
    for (const id of [bobId, 'A'.repeat(43), 'not-a-session-id', '..%2F..%2Fadmin']) {
      const answer = await laptop.call('DELETE', `/api/sessions/${id}`);
      expect(answer.status, id).toBe(404);
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.json).toEqual({
        error: { code: 'NO_SUCH_SESSION', message: 'no such session among yours (GET /api/sessions lists them)' },
      });
    }
    expect((await bob.call('GET', '/api/session')).status).toBe(200);
  });

  it("ends the caller's own session like a logout, clearing its cookie", async () => {
    const { laptop, phone, ids } = await fourLogins();
    expect((await laptop.call('DELETE', `/api/sessions/${ids.laptop}`)).status).toBe(204);
    expect(laptop.cookie).toBeUndefined();
    expect((await list(phone)).map((s) => s.id)).not.toContain(ids.laptop);
  });
});
