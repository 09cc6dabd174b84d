import { liveEvent, newKey, Cleanup } from '@gaesession/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHES, login, startHarness, type HarnessOptions } from './store.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const startTracked = cleanup.tracking(startHarness);

describe.each(CACHES)("a user's sessions on %s: listed from Datastore, ended durably", (cache) => {
  const harness = (options: HarnessOptions) => startTracked({ ...options, cache });

  it("lists exactly the user's sessions, and logging out the others ends them as a logout does", async () => {
    const h = await harness({ label: 'principal' });
    const mine = await Promise.all([login(h, 'ada'), login(h, 'ada'), login(h, 'ada')]);
    const theirs = await login(h, 'bob');
    const [first, ...others] = mine;
    const listed = await h.store.listByPrincipal('ada');
    expect(listed.sessions.map((s) => s.key).sort()).toEqual(mine.map((m) => m.key).sort());
    expect((await h.store.listByPrincipal('bob')).sessions.map((s) => s.key)).toEqual([theirs.key]);

    expect(await h.store.destroyByPrincipal('ada', { except: [first.key] })).toBe(2);
    for (const other of others) expect((await other.client.call('/get', 'GET')).status).toBe(401);
    expect((await first.client.call('/incr/n')).status).toBe(200);
    // Still ended after the cache lost everything, and after a late older event reaches Datastore.
    for (const other of others) await h.cache.delete(other.key);
    await h.repository.apply(others.map((other) => liveEvent(other.key, 5, { revived: true })));
    for (const other of others) {
      expect((await other.client.call('/get', 'GET')).status).toBe(401);
      expect(await h.repository.inspect(other.key)).toMatchObject({ state: 'destroyed' });
    }
    expect((await h.store.listByPrincipal('ada')).sessions.map((s) => s.key)).toEqual([first.key]);
    expect((await h.store.listByPrincipal('bob')).sessions).toHaveLength(1);
  });

  it('a session created while the others are ended is either ended or listed afterwards, never half', async () => {
    const h = await harness({ label: 'principalrace' });
    const keep = await login(h, 'ada');
    await Promise.all(Array.from({ length: 30 }, () => login(h, 'ada')));
    const [ended, late] = await Promise.all([
      h.store.destroyByPrincipal('ada', { except: [keep.key] }),
      Promise.all(Array.from({ length: 10 }, () => login(h, 'ada'))),
    ]);
    const listed = new Set((await h.store.listByPrincipal('ada')).sessions.map((s) => s.key));
    let survivors = 0;
    for (const session of late) {
      const alive = (await session.client.call('/get', 'GET')).status === 200;
      // Alive means listed (and so endable); ended means gone from cache and Datastore alike.
      expect(alive).toBe(listed.has(session.key));
      if (!alive) expect(await h.repository.inspect(session.key)).toMatchObject({ state: 'destroyed' });
      survivors += alive ? 1 : 0;
    }
    expect(ended + survivors).toBe(30 + 10);
  });
});

describe('ending a thousand sessions of one user', () => {
  it('pages through them in one call and answers 1000', async () => {
    const h = await startTracked({ label: 'principal1k', cache: 'valkey' });
    // Created straight in Datastore (as durable creates are), 1000 of them.
    const keys = Array.from({ length: 1000 }, () => newKey());
    const events = keys.map((key) => {
      const event = liveEvent(key, 1, {});
      return { ...event, snapshot: { ...event.snapshot!, principal: 'carol' } };
    });
    await h.repository.apply(events);
    expect(await h.store.destroyByPrincipal('carol')).toBe(1000);
    expect((await h.store.listByPrincipal('carol')).sessions).toEqual([]);
    const sample = await Promise.all(keys.slice(0, 20).map((key) => h.repository.inspect(key)));
    expect(sample.every((stored) => stored.state === 'destroyed')).toBe(true);
  });
});
