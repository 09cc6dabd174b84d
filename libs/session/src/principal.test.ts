import { InvalidValueError, UnsupportedError, MAX_PRINCIPAL_LENGTH } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import { commitSession } from './commit.js';
import { SessionManager } from './http.js';
import { MemoryStore } from './memory-store.js';
import { Session } from './session.js';
import { rejection, reload } from './session.fixture.js';

async function login(store: MemoryStore, principal: string, device: string): Promise<Session> {
  const session = Session.create({ principal, constants: { device } });
  await commitSession(store, session);
  return session;
}

describe('a session of a principal', () => {
  it('keeps the principal it was created with, across saves and regenerate', async () => {
    const store = new MemoryStore();
    const session = await login(store, 'ada', 'laptop');
    expect(session.principal).toBe('ada');
    const loaded = await reload(store, session);
    loaded.set('a', 1);
    loaded.regenerate();
    await commitSession(store, loaded);
    expect((await store.load(loaded.key))?.principal).toBe('ada');
    expect(Session.create().principal).toBeUndefined();
  });

  it('refuses an empty or overlong principal at once', () => {
    for (const principal of ['', 'x'.repeat(MAX_PRINCIPAL_LENGTH + 1), 42 as unknown as string]) {
      expect(() => Session.create({ principal })).toThrow(InvalidValueError);
    }
    expect(Session.create({ principal: 'x'.repeat(MAX_PRINCIPAL_LENGTH) }).principal).toHaveLength(
      MAX_PRINCIPAL_LENGTH,
    );
  });
});

describe('SessionManager.listByPrincipal and destroyByPrincipal', () => {
  it("lists exactly the principal's live sessions, flags the current one, and ends all but it", async () => {
    const store = new MemoryStore();
    const manager = new SessionManager({ store });
    const [first, second, third] = [
      await login(store, 'ada', 'laptop'),
      await login(store, 'ada', 'phone'),
      await login(store, 'ada', 'tablet'),
    ];
    const other = await login(store, 'bob', 'laptop');
    const listed = await manager.listByPrincipal('ada', { current: first.key });
    expect(listed.sessions.map((s) => [s.key, s.current, s.constants.device]).sort()).toEqual(
      [
        [first.key, true, 'laptop'],
        [second.key, false, 'phone'],
        [third.key, false, 'tablet'],
      ].sort(),
    );
    expect(await manager.destroyByPrincipal('ada', { except: [first.key] })).toBe(2);
    expect(await store.load(second.key)).toBeUndefined();
    expect(await store.load(third.key)).toBeUndefined();
    expect(await store.load(first.key)).toBeDefined();
    expect((await manager.listByPrincipal('ada')).sessions.map((s) => s.key)).toEqual([first.key]);
    expect((await manager.listByPrincipal('bob')).sessions.map((s) => s.key)).toEqual([other.key]);
  });

  it('pages the list', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) await login(store, 'ada', `d${i}`);
    const manager = new SessionManager({ store });
    const first = await manager.listByPrincipal('ada', { limit: 3 });
    expect(first.sessions).toHaveLength(3);
    const rest = await manager.listByPrincipal('ada', { limit: 3, cursor: first.cursor! });
    expect(rest).toEqual({ sessions: expect.any(Array) as unknown });
    expect(rest.sessions).toHaveLength(2);
  });

  it('says clearly when the store keeps no index of principals', async () => {
    const plain = {
      load: () => Promise.resolve(undefined),
      write: () => Promise.reject(new Error('x')),
      destroy: () => Promise.reject(new Error('x')),
    };
    const manager = new SessionManager({ store: plain });
    expect(await rejection(manager.listByPrincipal('ada'))).toBeInstanceOf(UnsupportedError);
    expect(await rejection(manager.destroyByPrincipal('ada'))).toMatchObject({
      code: 'SESSION_UNSUPPORTED',
      status: 501,
    });
  });
});
