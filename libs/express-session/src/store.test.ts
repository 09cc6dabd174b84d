// GaeSessionStore's contract with express-session, on the in-process MemoryStore: what get
// answers, what set writes, how a request's base is found again through `sess.req`.
import session from 'express-session';
import { sessionKey } from '@gaesession/core';
import { MemoryStore } from '@gaesession/session';
import { describe, expect, it } from 'vitest';
import { GaeSessionStore } from './store.js';

// express-session's Cookie takes its options at run time; its types say otherwise.
const Cookie = session.Cookie as unknown as new (options: object) => session.Cookie;

type Data = Record<string, unknown> & { cookie: session.Cookie };
const call = <T>(run: (done: (error: unknown, value?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) => {
    run((error, value) => {
      if (error === null || error === undefined) resolve(value);
      else reject(error instanceof Error ? error : new Error('store call failed', { cause: error }));
    });
  });

function setup(options: ConstructorParameters<typeof GaeSessionStore>[0] = {}) {
  const memory = new MemoryStore(options.now === undefined ? {} : { now: options.now });
  const store = new GaeSessionStore({ store: memory, ...options });
  const save = (sid: string, sess: object) =>
    call((done) => {
      store.set(sid, sess as Data, done);
    });
  /** A request loading `sid` the way express-session does: get, then createSession. */
  const load = async (sid: string) => {
    const data = await call<session.SessionData | null>((done) => {
      store.get(sid, done);
    });
    if (data === null || data === undefined) return undefined;
    const req = { sessionID: sid, sessionStore: store };
    return store.createSession(req as never, data) as unknown as Data;
  };
  const fresh = (sid: string, data: Record<string, unknown>, cookie = {}) => {
    const req = { sessionID: sid, sessionStore: store };
    // What express-session's generate() makes: a Session (typed as private) over the request.
    const Session = session.Session as unknown as new (req: object, data: object) => Data;
    return new Session(req, { ...data, cookie: new Cookie(cookie) });
  };
  return { memory, store, save, load, fresh };
}

describe('GaeSessionStore', () => {
  it('stores under the hash of the id, never the id itself', async () => {
    const { memory, save, fresh } = setup();
    await save('sid-1', fresh('sid-1', { user: 'ada' }));
    expect(await memory.load('sid-1')).toBeUndefined();
    expect((await memory.load(sessionKey('sid-1')))?.attrs).toMatchObject({ user: 'ada' });
  });

  it('answers null for an unknown id, and a mutable copy with its cookie for a known one', async () => {
    const { store, save, fresh, load } = setup();
    expect(
      await call((done) => {
        store.get('nope', done);
      }),
    ).toBeNull();
    await save('sid-1', fresh('sid-1', { user: 'ada', list: [1] }, { maxAge: 60_000 }));
    const loaded = await load('sid-1');
    expect(loaded?.user).toBe('ada');
    expect(loaded?.cookie.originalMaxAge).toBe(60_000);
    (loaded?.list as number[]).push(2); // not frozen
  });

  it('merges two requests that loaded the same version: each writes only its own keys', async () => {
    const { memory, save, fresh, load } = setup();
    await save('s', fresh('s', { a: 1, b: 1, views: 0 }));
    const [first, second] = [await load('s'), await load('s')];
    Object.assign(first!, { a: 2, views: 1 });
    Object.assign(second!, { b: 2, views: 1 });
    await save('s', first!);
    await save('s', second!);
    expect((await memory.load(sessionKey('s')))?.attrs).toMatchObject({ a: 2, b: 2, views: 2 });
  });

  it('a second save of the same request diffs against its first, keeping what others wrote', async () => {
    const { memory, save, fresh, load } = setup();
    await save('s', fresh('s', { a: 1 }));
    const mine = await load('s');
    const theirs = await load('s');
    theirs!.c = 3;
    await save('s', theirs!);
    mine!.b = 2;
    await save('s', mine!);
    mine!.b = 3;
    await save('s', mine!);
    expect((await memory.load(sessionKey('s')))?.attrs).toMatchObject({ a: 1, b: 3, c: 3 });
  });

  it('does not bring back a destroyed session: error by default, or ignore', async () => {
    for (const onSaveAfterDestroy of ['error', 'ignore'] as const) {
      const { memory, store, save, fresh, load } = setup({ onSaveAfterDestroy });
      await save('s', fresh('s', { a: 1 }));
      const late = await load('s');
      await call((done) => {
        store.destroy('s', done);
      });
      late!.a = 2;
      const saving = save('s', late!);
      if (onSaveAfterDestroy === 'error') await expect(saving).rejects.toMatchObject({ code: 'SESSION_GONE' });
      else await saving;
      expect(await memory.load(sessionKey('s'))).toBeUndefined();
    }
  });

  it('touch moves the expiry only after touchAfter of the timeout, and a new maxAge at once', async () => {
    let now = 1_000_000;
    const { memory, store, save, fresh, load } = setup({ now: () => now, timeout: 60_000 });
    await save('s', fresh('s', { a: 1 }));
    const touch = (sess: Data) =>
      call((done) => {
        store.touch('s', sess, done);
      });
    const version = async () => (await memory.load(sessionKey('s')))?.version;
    now += 10_000;
    await touch((await load('s'))!);
    expect(await version()).toBe(1);
    now += 10_000;
    await touch((await load('s'))!);
    expect(await version()).toBe(2);
    const remember = (await load('s'))!;
    remember.cookie.maxAge = 30 * 86_400_000;
    await touch(remember);
    expect((await memory.load(sessionKey('s')))?.timeout).toBe(40 * 86_400_000);
  });

  it('moves a session from the fallback store on its first read, and a logout ends it in both', async () => {
    const old = new session.MemoryStore();
    const { memory, store, load } = setup({ fallback: old });
    const cookie = { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000).toISOString(), path: '/' };
    await call((done) => {
      old.set('s', { cookie, user: 'ada' } as never, done);
    });
    const moved = await load('s');
    expect(moved?.user).toBe('ada');
    expect((await memory.load(sessionKey('s')))?.attrs).toMatchObject({ user: 'ada', cookie });
    expect(
      await call((done) => {
        old.get('s', done);
      }),
    ).toBeFalsy();
    await call((done) => {
      old.set('t', { cookie, user: 'bob' } as never, done);
    });
    expect((await load('t'))?.user).toBe('bob');
    await call((done) => {
      store.destroy('t', done);
    });
    await call((done) => {
      old.set('t', { cookie, user: 'bob' } as never, done);
    }); // a copy left behind
    expect(await load('t')).toBeUndefined();
  });

  it('refuses a touchAfter outside [0, 1)', () => {
    expect(() => new GaeSessionStore({ store: new MemoryStore(), touchAfter: 1 })).toThrow(/touchAfter/);
  });
});
